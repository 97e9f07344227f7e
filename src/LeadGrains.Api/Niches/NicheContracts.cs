using LeadGrains.Abstractions.Niches;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Niches;

public sealed record LevelRequest(string? Name, int? OrderPosition, int? MaxRecipients, long? PriceCents, bool? IsActive)
{
    public LevelDefinition ToDefinition(string prefix)
    {
        var errors = new Dictionary<string, string[]>();
        Require(errors, prefix + "name", Name);
        Require(errors, prefix + "order_position", OrderPosition);
        Require(errors, prefix + "max_recipients", MaxRecipients);
        Require(errors, prefix + "price_cents", PriceCents);
        if (errors.Count > 0)
        {
            throw ApiProblemException.Validation(errors);
        }
        return new LevelDefinition(Name!, OrderPosition!.Value, MaxRecipients!.Value, PriceCents!.Value, IsActive ?? true);
    }

    internal static void Require(Dictionary<string, string[]> errors, string field, object? value)
    {
        if (value is null)
        {
            errors[field] = ["is required."];
        }
    }
}

public sealed record CreateNicheRequest(string? Name, IReadOnlyList<LevelRequest?>? Levels)
{
    public CreateNicheCommand ToCommand(Guid workspaceId)
    {
        if (Levels is null || Levels.Count == 0)
        {
            throw ApiProblemException.Validation("levels", "must hold at least one level.");
        }
        var levels = Levels.Select((level, i) =>
            (level ?? throw ApiProblemException.Validation($"levels[{i}]", "must be an object.")).ToDefinition($"levels[{i}].")).ToList();
        return new CreateNicheCommand(workspaceId, Name ?? "", levels);
    }
}

public sealed record UpdateLevelRequest(string? Name, int? MaxRecipients, long? PriceCents, bool? IsActive)
{
    public LevelUpdate ToUpdate() =>
        Name is null && MaxRecipients is null && PriceCents is null && IsActive is null
            ? throw ApiProblemException.Validation("body", "Give at least one of name, max_recipients, price_cents, is_active.")
            : new LevelUpdate(Name, MaxRecipients, PriceCents, IsActive);
}

public sealed record LevelResponse(Guid LevelId, string Name, int OrderPosition, int MaxRecipients, long PriceCents, bool IsActive)
{
    public static LevelResponse From(LevelView level) =>
        new(level.LevelId, level.Name, level.OrderPosition, level.MaxRecipients, level.PriceCents, level.IsActive);
}

public sealed record NicheResponse(Guid NicheId, string Name, int NextStartLevelOrderPosition, IReadOnlyList<LevelResponse> Levels)
{
    public static NicheResponse From(NicheView niche) =>
        new(niche.NicheId, niche.Name, niche.NextStartLevelOrderPosition, niche.Levels.Select(LevelResponse.From).ToList());
}

public sealed record NichePage(IReadOnlyList<NicheResponse> Items, string? NextCursor);
