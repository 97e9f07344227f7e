using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Operations;

/// <summary>The domain metrics follow the OpenTelemetry conventions and carry what alerts need.</summary>
[Collection(ApiCollection.Name)]
public sealed class MetricsTests(LocalApiHost host)
{
    [Theory]
    [InlineData("leadgrains_leads_submitted_total", "counter")]
    [InlineData("leadgrains_leads_approved_total", "counter")]
    [InlineData("leadgrains_distributions_total", "counter")]
    [InlineData("leadgrains_distribution_duration_seconds", "histogram")]
    [InlineData("leadgrains_distribution_group_duration_seconds", "histogram")]
    [InlineData("leadgrains_assignments_total", "counter")]
    [InlineData("leadgrains_revenue_total", "counter")]
    [InlineData("leadgrains_distribution_skips_total", "counter")]
    [InlineData("leadgrains_deposits_total", "counter")]
    [InlineData("leadgrains_deposits_amount_total", "counter")]
    [InlineData("leadgrains_job_runs_total", "counter")]
    [InlineData("leadgrains_job_duration_seconds", "histogram")]
    [InlineData("leadgrains_ledger_discrepancies_total", "counter")]
    [InlineData("leadgrains_queue_due_leads", "gauge")]
    [InlineData("leadgrains_queue_oldest_due_age_seconds", "gauge")]
    [InlineData("leadgrains_dead_letters_open", "gauge")]
    [InlineData("leadgrains_providers_paused_for_funds", "gauge")]
    [InlineData("leadgrains_cluster_active_silos", "gauge")]
    [InlineData("leadgrains_distribution_in_flight", "gauge")]
    [InlineData("leadgrains_returns_requests_total", "counter")]
    [InlineData("leadgrains_returns_decisions_total", "counter")]
    [InlineData("leadgrains_returns_refunded_total", "counter")]
    [InlineData("leadgrains_returns_pending", "gauge")]
    [InlineData("leadgrains_returns_oldest_pending_age_seconds", "gauge")]
    public async Task Each_instrument_is_exported_with_its_unit_and_type(string family, string type)
    {
        var metrics = await ExportedMetrics.AfterActivity(host);

        Assert.True(metrics.Types.TryGetValue(family, out var declared), $"/metrics has no {family}");
        Assert.Equal(type, declared);
    }

    [Fact]
    public async Task Durations_are_in_seconds_and_attributes_are_namespaced()
    {
        var metrics = await ExportedMetrics.AfterActivity(host);
        var ours = metrics.SeriesNames.Where(name => name.StartsWith("leadgrains_", StringComparison.Ordinal)).ToList();

        Assert.DoesNotContain(ours, name => name.Contains("_ms") || name.Contains("milliseconds"));
        var distributed = metrics.Lines("leadgrains_distributions_total");
        Assert.Contains(distributed, line => line.Contains("leadgrains_distribution_status=\"success\"") || line.Contains("leadgrains_distribution_status=\"partial\""));
        Assert.Contains(metrics.Lines("leadgrains_leads_submitted_total"), line => line.Contains("leadgrains_intake_outcome=\"duplicate\""));
        Assert.Contains(metrics.Lines("leadgrains_job_runs_total"), line =>
            line.Contains("leadgrains_job_name=\"ledger-reconciliation\"") && line.Contains("leadgrains_job_outcome=\"succeeded\""));
    }

    [Fact]
    public async Task Returns_are_counted_by_outcome_and_by_who_decided_and_refunds_in_cents()
    {
        var metrics = await ExportedMetrics.AfterActivity(host);

        Assert.Contains(metrics.Lines("leadgrains_returns_requests_total"), line => line.Contains("leadgrains_return_outcome=\"review_required\"") && !line.EndsWith(" 0"));
        Assert.Contains(metrics.Lines("leadgrains_returns_requests_total"), line => line.Contains("leadgrains_return_outcome=\"rate_limit\""));
        Assert.Contains(metrics.Lines("leadgrains_returns_decisions_total"), line =>
            line.Contains("leadgrains_return_decision=\"approved\"") && line.Contains("leadgrains_return_decided_by=\"reviewer\""));
        Assert.Contains(metrics.Lines("leadgrains_returns_refunded_total"), line => line.Contains("leadgrains_return_decided_by=\"reviewer\"") && !line.EndsWith(" 0"));
        Assert.Contains(metrics.Lines("leadgrains_returns_refunded_total"), line => line.Contains("leadgrains_return_decided_by=\"auto\""));
    }

    [Fact]
    public async Task No_lead_provider_or_workspace_id_becomes_a_label()
    {
        var metrics = await ExportedMetrics.AfterActivity(host);

        Assert.NotEmpty(ExportedMetrics.Ids);
        foreach (var id in ExportedMetrics.Ids)
        {
            Assert.DoesNotContain(id.ToString(), metrics.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_gauges_report_what_the_database_holds()
    {
        var metrics = await ExportedMetrics.AfterActivity(host);

        Assert.True(metrics.Value("leadgrains_dead_letters_open") >= 1, "the dead letter made for this test is open");
        Assert.Equal(1, metrics.Value("leadgrains_cluster_active_silos"));
        Assert.True(metrics.Value("leadgrains_queue_oldest_due_age_seconds") >= 0);
    }

    [Fact]
    public async Task The_postgres_connection_pool_is_exported_under_its_name_not_its_connection_string()
    {
        var metrics = await ExportedMetrics.AfterActivity(host);

        Assert.Contains(metrics.Lines("db_client_connection_max"), line => line.Contains("db_client_connection_pool_name=\"leadgrains\""));
        Assert.Contains(metrics.Lines("db_client_connection_count"), line =>
            line.Contains("db_client_connection_pool_name=\"leadgrains\"") && line.Contains("db_client_connection_state=\"used\""));
    }
}
