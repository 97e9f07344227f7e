namespace LeadGrains.Api.Hosting;

/// <summary>How the API reaches the grains (configuration key <c>LeadGrains:Mode</c>).</summary>
public enum ApiMode
{
    /// <summary>Local mode: the API process runs a silo itself, so one process is the whole system.</summary>
    Cohosted,

    /// <summary>The API joins an existing cluster of silo processes as an Orleans client.</summary>
    Client,
}
