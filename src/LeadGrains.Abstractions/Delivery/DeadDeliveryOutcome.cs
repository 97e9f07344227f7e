namespace LeadGrains.Abstractions.Delivery;

/// <summary>How a retry or resolve of a dead delivery went.</summary>
public enum DeadDeliveryOutcome
{
    /// <summary>Done.</summary>
    Done,
    /// <summary>No such delivery in the workspace.</summary>
    NotFound,
    /// <summary>The delivery is not dead (pending or delivered), or was already resolved; nothing changed.</summary>
    NotOpen,
}
