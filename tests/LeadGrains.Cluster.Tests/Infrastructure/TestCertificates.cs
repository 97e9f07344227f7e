using System.Diagnostics;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Certificates for the test clusters' mutual TLS, made by <c>deploy/local/tls.sh</c> as run.sh's
/// are: one CA and node certificate per test run, shared by every cluster, and on demand another,
/// unrelated CA's (an outsider's).
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<string> ClusterDirectory = new(() => Make("cluster"));

    /// <summary>Settings that give a silo or client the test clusters' certificates.</summary>
    public static IReadOnlyDictionary<string, string> Cluster => Settings(ClusterDirectory.Value);

    /// <summary>Settings that give a process a certificate from a CA the test clusters do not trust.</summary>
    public static IReadOnlyDictionary<string, string> FromAnotherAuthority() => Settings(Make("outsider"));

    private static Dictionary<string, string> Settings(string directory) => new()
    {
        ["LeadGrains:Tls:CertificatePath"] = Path.Combine(directory, "node.pem"),
        ["LeadGrains:Tls:KeyPath"] = Path.Combine(directory, "node.key"),
        ["LeadGrains:Tls:CaCertificatePath"] = Path.Combine(directory, "ca.pem"),
    };

    private static string Make(string label)
    {
        var directory = Directory.CreateTempSubdirectory($"lg-tls-{label}-").FullName;
        using var script = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot(), "deploy", "local", "tls.sh"), directory])
        {
            RedirectStandardError = true,
        })!;
        var error = script.StandardError.ReadToEnd();
        script.WaitForExit();
        if (script.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/local/tls.sh failed ({script.ExitCode}): {error}");
        }
        return directory;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeadGrains.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The tests do not run inside the LeadGrains repository.");
    }
}
