using LeadGrains.Grains;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>A minimal grain with persistent state, to test the ADO.NET grain storage scripts on their own.</summary>
public interface IPersistedNoteGrain : IGrainWithGuidKey
{
    Task Write(string text);
    Task<string?> Read();
}

[GenerateSerializer]
public sealed class NoteState
{
    [Id(0)] public string? Text { get; set; }
}

public sealed class PersistedNoteGrain([PersistentState("note", GrainStorageNames.GrainState)] IPersistentState<NoteState> note)
    : Grain, IPersistedNoteGrain
{
    public Task Write(string text)
    {
        note.State.Text = text;
        return note.WriteStateAsync();
    }

    public Task<string?> Read() => Task.FromResult(note.State.Text);
}
