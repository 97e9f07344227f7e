using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>Collects every group commit the silos report (size and outcome) from the <c>leadgrains.distribution.group.size</c> histogram.</summary>
public static class GroupCommitListener
{
    /// <summary>Starts listening; dispose the listener to stop.</summary>
    public static MeterListener Start(ConcurrentBag<(int Size, string Outcome)> groups)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "LeadGrains" && instrument.Name == "leadgrains.distribution.group.size")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, size, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "leadgrains.commit.outcome")
                {
                    groups.Add((size, (string)tag.Value!));
                }
            }
        });
        listener.Start();
        return listener;
    }
}
