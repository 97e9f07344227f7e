namespace LeadGrains.Grains.Jobs;

/// <summary>A periodic maintenance job. It must be safe to run twice: reminders may deliver a tick more than once.</summary>
public interface IScheduledJob
{
    /// <summary>Also the job grain's key and its reminder's name.</summary>
    string Name { get; }

    TimeSpan Period { get; }

    /// <summary>Runs once; returns a one-line summary for the job's state and the logs.</summary>
    Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken);
}
