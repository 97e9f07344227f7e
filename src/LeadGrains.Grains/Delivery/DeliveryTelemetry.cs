using System.Diagnostics.Metrics;

namespace LeadGrains.Grains.Delivery;

/// <summary>Delivery metrics (meter <c>LeadGrains</c>). Tags are channel and outcome only, never provider or lead ids.</summary>
public sealed class DeliveryTelemetry
{
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _created;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _smtpConnections;
    private long _backlog;
    private long _deadLetters;
    private long _failingEndpoints;

    public DeliveryTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(LeadGrainsTelemetry.MeterName);
        _created = meter.CreateCounter<long>("leadgrains.deliveries.created", unit: "{delivery}", description: "Deliveries made from new assignments by the cursor.");
        _attempts = meter.CreateCounter<long>("leadgrains.delivery.attempts", unit: "{attempt}", description: "Tries on the wire, by channel and outcome (accepted, retryable, permanent).");
        _finished = meter.CreateCounter<long>("leadgrains.deliveries", unit: "{delivery}", description: "Deliveries finished, by channel and outcome (delivered, dead).");
        _lag = meter.CreateHistogram<double>("leadgrains.delivery.lag", unit: "s", description: "From assignment to acceptance by the receiver, by channel.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400] });
        _smtpConnections = meter.CreateCounter<long>("leadgrains.delivery.smtp.connections", unit: "{connection}",
            description: "SMTP connections opened; far fewer than e-mails sent while connections are reused.");
        meter.CreateObservableGauge("leadgrains.delivery.backlog", () => Interlocked.Read(ref _backlog), unit: "{delivery}", description: "Deliveries waiting to be accepted (pending), cluster-wide.");
        meter.CreateObservableGauge("leadgrains.delivery.dead_letters", () => Interlocked.Read(ref _deadLetters), unit: "{delivery}", description: "Dead deliveries no operator has resolved, cluster-wide.");
        meter.CreateObservableGauge("leadgrains.delivery.failing_endpoints", () => Interlocked.Read(ref _failingEndpoints), unit: "{endpoint}", description: "Provider endpoints marked failing (consecutive failures past the threshold).");
    }

    public void Created(int count) => _created.Add(count);

    public void SmtpConnectionOpened() => _smtpConnections.Add(1);

    public void Attempted(string channel, string outcome) =>
        _attempts.Add(1, new("channel", channel), new("outcome", outcome));

    public void Finished(string channel, string state, TimeSpan? lag)
    {
        _finished.Add(1, new("channel", channel), new("outcome", state));
        if (lag is { } seconds)
        {
            _lag.Record(Math.Max(seconds.TotalSeconds, 0), new KeyValuePair<string, object?>("channel", channel));
        }
    }

    public void Observed(long backlog, long deadLetters, long failingEndpoints)
    {
        Interlocked.Exchange(ref _backlog, backlog);
        Interlocked.Exchange(ref _deadLetters, deadLetters);
        Interlocked.Exchange(ref _failingEndpoints, failingEndpoints);
    }
}
