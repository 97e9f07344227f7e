using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Cluster.Tests.Infrastructure;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

public sealed class IntakeAndDepositTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static LeadSubmission Submission(Guid workspace, Guid niche, string email, string phone, string state = "TX") =>
        new(workspace, niche, new LeadContact("Ada", "Lovelace", email, phone), new LeadAttributes(state, null, null, new Dictionary<string, string>()));

    [Fact]
    public async Task The_same_contact_in_the_same_niche_is_a_duplicate_and_another_niche_is_not()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var other = await s.Niche(new Level(1, 1, 100));
        var first = await fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid()).Submit(Submission(s.WorkspaceId, niche.NicheId, "Ada@Example.com", "(214) 555-0100"));

        var again = await fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid()).Submit(Submission(s.WorkspaceId, niche.NicheId, " ada@example.com ", "+12145550100"));
        var elsewhere = await fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid()).Submit(Submission(s.WorkspaceId, other.NicheId, "ada@example.com", "2145550100"));

        Assert.Equal(SubmitOutcome.Accepted, first.Outcome);
        Assert.Equal((SubmitOutcome.Duplicate, LeadStatus.Duplicate, (Guid?)first.LeadId), (again.Outcome, again.Status, again.DuplicateOf));
        Assert.Equal(SubmitOutcome.Accepted, elsewhere.Outcome);
    }

    [Fact]
    public async Task Invalid_submissions_change_nothing_and_name_their_fields()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var foreign = await Scenario.Start(fixture.Grains);
        var leadId = Guid.NewGuid();

        var invalid = await fixture.Grains.GetGrain<ILeadGrain>(leadId).Submit(Submission(s.WorkspaceId, niche.NicheId, "not-an-email", "12", "ZZ"));
        var otherWorkspacesNiche = await fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid()).Submit(Submission(foreign.WorkspaceId, niche.NicheId, "a@example.com", "2145550101"));

        Assert.Equal(SubmitOutcome.Invalid, invalid.Outcome);
        Assert.Equal(["attributes.state", "contact.email", "contact.phone"], invalid.Errors.Keys.Order());
        Assert.Null(await fixture.Grains.GetGrain<ILeadGrain>(leadId).Get());
        Assert.Equal(SubmitOutcome.Invalid, otherWorkspacesNiche.Outcome);
        Assert.Contains("niche_id", otherWorkspacesNiche.Errors.Keys);
    }

    [Fact]
    public async Task A_lead_id_of_another_workspace_is_taken_not_already_submitted()
    {
        var s = await Scenario.Start(fixture.Grains);
        var foreign = await Scenario.Start(fixture.Grains);
        var lead = await s.Lead(await s.Niche(new Level(1, 1, 100)), approve: false);
        var foreignNiche = await foreign.Niche(new Level(1, 1, 100));

        var resubmitted = await fixture.Grains.GetGrain<ILeadGrain>(lead).Submit(Submission(foreign.WorkspaceId, foreignNiche.NicheId, "b@example.com", "2145550102"));

        Assert.Equal(SubmitOutcome.Invalid, resubmitted.Outcome);
        Assert.Contains("lead_id", resubmitted.Errors.Keys);
    }

    [Fact]
    public async Task A_deposit_key_replays_the_same_request_and_refuses_a_different_one()
    {
        var s = await Scenario.Start(fixture.Grains);
        var provider = fixture.Grains.GetGrain<IProviderGrain>(await s.Provider(0));

        var first = await provider.Deposit(new DepositCommand(2500, "wire-7", "ref"));
        var replay = await provider.Deposit(new DepositCommand(2500, "wire-7", "ref"));
        var conflict = await provider.Deposit(new DepositCommand(9900, "wire-7", "ref"));

        Assert.Equal((DepositOutcome.Deposited, 2500L), (first.Outcome, first.BalanceCents));
        Assert.Equal((DepositOutcome.Replayed, first.EntryId, 2500L), (replay.Outcome, replay.EntryId, replay.BalanceCents));
        Assert.Equal(DepositOutcome.KeyConflict, conflict.Outcome);
        Assert.Equal(2500, (await provider.Get())!.BalanceCents);
        await Assert.ThrowsAsync<LeadGrains.Abstractions.ValidationFailedException>(() => provider.Deposit(new DepositCommand(-5, "neg", null)));
        await fixture.AssertInvariantsHold();
    }
}
