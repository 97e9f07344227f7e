using System.Globalization;

namespace LeadGrains.Benchmark.Measuring;

/// <summary>Peak resident memory and CPU time of one process, from /proc (Linux).</summary>
public sealed record ProcessUsage(int Pid, string Role, double PeakRssMib, double CpuSeconds)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static ProcessUsage? Read(int pid, string role = "")
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var hwm = status.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var peakKb = hwm is null ? 0 : long.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field, stime the 15th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return new ProcessUsage(pid, role, Math.Round(peakKb / 1024.0, 1), Math.Round(ticks / TicksPerSecond, 2));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>The whole machine's CPU use between two readings of /proc/stat, to see how busy others kept it.</summary>
public sealed record MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + cpu[4]; // idle + iowait
        var total = cpu.Take(8).Sum();
        return new MachineCpu(total - idle, total);
    }

    /// <summary>CPU-seconds the machine was busy since <paramref name="earlier"/>.</summary>
    public double BusySecondsSince(MachineCpu earlier) => (Busy - earlier.Busy) / 100.0;

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}
