namespace LeadGrains.Grains;

/// <summary>Names of the Orleans grain storage providers the silo registers.</summary>
public static class GrainStorageNames
{
    /// <summary>ADO.NET grain storage on PostgreSQL, for grain-private state.</summary>
    public const string GrainState = "grain-state";
}
