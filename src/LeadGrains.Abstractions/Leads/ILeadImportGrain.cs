namespace LeadGrains.Abstractions.Leads;

/// <summary>
/// One import job (keyed by the import's id): submits the rows its upload stored, in line order, and
/// records its progress as it goes. Its reminder brings it back after a silo failure until it is done.
/// </summary>
public interface ILeadImportGrain : IGrainWithGuidKey
{
    /// <summary>Starts submitting (or carries on, if it already is) and returns at once.</summary>
    Task Start();
}
