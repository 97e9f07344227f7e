using System.Runtime.CompilerServices;
using System.Text;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>
/// Keeps a copy of everything written to the console (where Serilog writes the hosts' logs), so
/// tests can check that no log line carries personal data.
/// </summary>
public static class ConsoleCapture
{
    private static readonly StringBuilder Captured = new();

    [ModuleInitializer]
    internal static void Install()
    {
        Console.SetOut(new Tee(Console.Out));
        Console.SetError(new Tee(Console.Error));
    }

    public static string Text
    {
        get
        {
            lock (Captured)
            {
                return Captured.ToString();
            }
        }
    }

    private sealed class Tee(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            lock (Captured)
            {
                Captured.Append(value);
            }
            inner.Write(value);
        }

        public override void Write(string? value)
        {
            lock (Captured)
            {
                Captured.Append(value);
            }
            inner.Write(value);
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => Write(value + Environment.NewLine);

        public override void Flush() => inner.Flush();
    }
}
