using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace LeadGrains.Cluster.Tests.Foundation;

public sealed class GrainStorageTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Persisted_state_survives_restarting_every_silo()
    {
        var id = Guid.NewGuid();
        await fixture.Grains.GetGrain<IPersistedNoteGrain>(id).Write("kept across restarts");

        foreach (var silo in fixture.Cluster.Silos.ToList())
        {
            await fixture.Cluster.RestartSiloAsync(silo);
        }
        await fixture.Cluster.WaitForLivenessToStabilizeAsync();

        Assert.Equal("kept across restarts", await fixture.Grains.GetGrain<IPersistedNoteGrain>(id).Read());
    }

    [Fact]
    public async Task A_second_first_write_of_the_same_grain_state_fails_as_inconsistent()
    {
        var storage = fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.GrainState);
        var grainId = GrainId.Create("persistednote", Guid.NewGuid().ToString("N"));

        // Two activations that both believe the state was never written (ETag null) — only possible
        // during a transient duplicate activation. The unique key on grain identity must stop the second.
        var first = new GrainState<NoteState>(new NoteState { Text = "first" });
        var second = new GrainState<NoteState>(new NoteState { Text = "second" });
        await storage.WriteStateAsync("note", grainId, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", grainId, second));

        var read = new GrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync("note", grainId, read);
        Assert.Equal("first", read.State!.Text);
    }

    [Fact]
    public async Task A_write_with_a_stale_version_fails_as_inconsistent()
    {
        var storage = fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.GrainState);
        var grainId = GrainId.Create("persistednote", Guid.NewGuid().ToString("N"));
        var writer = new GrainState<NoteState>(new NoteState { Text = "v1" });
        await storage.WriteStateAsync("note", grainId, writer);
        var staleCopy = new GrainState<NoteState>(new NoteState { Text = "stale" }) { ETag = writer.ETag };
        writer.State!.Text = "v2";
        await storage.WriteStateAsync("note", grainId, writer);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", grainId, staleCopy));
    }
}
