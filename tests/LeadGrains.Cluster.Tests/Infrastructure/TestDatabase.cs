using System.Security.Cryptography;
using System.Text;
using LeadGrains.Data;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Fresh databases for tests: the schema is migrated once into a template database (named by a hash
/// of the embedded scripts, so a schema change makes a new one), and each test class gets a clone,
/// which takes a fraction of a second.
/// </summary>
public static class TestDatabase
{
    public static string AdminConnectionString { get; } =
        Environment.GetEnvironmentVariable("LEADGRAINS_PG_ADMIN") ?? "Host=127.0.0.1;Port=55432;Username=leadgrains;Password=leadgrains";

    /// <summary>The application role silos and the API run as (deploy/local/postgres.sh gives it its login).</summary>
    public static string AppConnectionString { get; } =
        Environment.GetEnvironmentVariable("LEADGRAINS_PG_APP") ?? "Host=127.0.0.1;Port=55432;Username=leadgrains_app;Password=leadgrains_app";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _template;

    public static async Task<string> CreateAsync()
    {
        var template = await EnsureTemplateAsync();
        var name = "lg_test_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAdminAsync($"CREATE DATABASE {name} TEMPLATE {template}");
        return ConnectionStringFor(name);
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, MaxPoolSize = 60 }.ConnectionString;

    /// <summary>The application role's connection to the same database as <paramref name="ownerConnectionString"/>.</summary>
    public static string AppConnectionStringFor(string ownerConnectionString) =>
        new NpgsqlConnectionStringBuilder(AppConnectionString)
        {
            Database = new NpgsqlConnectionStringBuilder(ownerConnectionString).Database,
            MaxPoolSize = 60,
        }.ConnectionString;

    private static async Task<string> EnsureTemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_template is not null)
            {
                return _template;
            }
            var name = "lg_template_" + SchemaHash();
            await using var admin = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
            await admin.OpenAsync();
            // Other test processes may build the same template at the same moment.
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(726354)", admin))
            {
                await lockCommand.ExecuteNonQueryAsync();
            }
            await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name AND datistemplate", admin);
            exists.Parameters.AddWithValue("name", name);
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
            {
                await using (var create = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}", admin))
                {
                    await create.ExecuteNonQueryAsync();
                }
                SchemaMigrator.Migrate(ConnectionStringFor(name) + ";Pooling=false");
                await using var mark = new NpgsqlCommand($"ALTER DATABASE {name} WITH IS_TEMPLATE true", admin);
                await mark.ExecuteNonQueryAsync();
            }
            _template = name;
            return name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static string SchemaHash()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            hash.AppendData(Encoding.UTF8.GetBytes(resource + "\n" + reader.ReadToEnd()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}
