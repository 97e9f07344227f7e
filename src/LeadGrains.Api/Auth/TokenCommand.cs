namespace LeadGrains.Api.Auth;

/// <summary>
/// <c>LeadGrains.Api token --role admin --workspace ID [--role ops] [--provider ID] [--mfa] [--minutes 60] [--sub NAME]</c>:
/// prints a dev token signed with the configured key. Only in local mode (<c>LeadGrains:Auth:LocalMode</c>):
/// anyone who can run the production binary with its configuration could otherwise mint any role.
/// Production tokens come from the identity provider.
/// </summary>
public static class TokenCommand
{
    public static int Run(IConfiguration configuration, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = AuthOptions.From(configuration);
        if (!options.LocalMode)
        {
            error.WriteLine($"the token command works only in local mode ({AuthOptions.Section}:LocalMode=true); production tokens come from the identity provider");
            return 2;
        }
        var roles = new List<string>();
        Guid? workspace = null, provider = null;
        var mfa = false;
        var minutes = 60;
        var subject = "dev";
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--role": roles.Add(Value()); break;
                case "--workspace": workspace = Guid.Parse(Value()); break;
                case "--provider": provider = Guid.Parse(Value()); break;
                case "--mfa": mfa = true; break;
                case "--minutes": minutes = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--sub": subject = Value(); break;
                default:
                    error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }
        var unknown = roles.Except(Roles.All).ToList();
        if (roles.Count == 0 || unknown.Count > 0)
        {
            error.WriteLine($"--role is required, one or more of: {string.Join(", ", Roles.All)}");
            return 2;
        }
        // The platform's roles (its admins and ops, and routing's platform sources) speak for no workspace.
        if (workspace is null && roles.Any(r => !Roles.Platform.Contains(r) && r != Roles.PlatformSource))
        {
            error.WriteLine($"--workspace is required for every role but {Roles.PlatformAdmin}, {Roles.PlatformOps} and {Roles.PlatformSource}");
            return 2;
        }
        if (minutes < 1 || TimeSpan.FromMinutes(minutes) > options.MaxTokenAge)
        {
            error.WriteLine($"--minutes must be between 1 and {options.MaxTokenAge.TotalMinutes:0} ({AuthOptions.Section}:MaxTokenAge)");
            return 2;
        }
        var token = DevTokens.Mint(options, new TokenRequest(subject, roles, workspace, provider, mfa, TimeSpan.FromMinutes(minutes)));
        output.WriteLine(token);
        return 0;
    }
}
