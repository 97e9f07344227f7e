using LeadGrains.Abstractions.Niches;

namespace LeadGrains.Domain.Niches;

/// <summary>Field checks for niche commands, keyed by the API's snake_case field paths.</summary>
public static class NicheValidation
{
    public const int MaxLevels = 50;

    public static Dictionary<string, string[]> Check(CreateNicheCommand command)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(command.Name) || command.Name.Trim().Length > 200)
        {
            errors["name"] = ["is required, at most 200 characters."];
        }
        if (command.Levels is null || command.Levels.Count is 0 or > MaxLevels)
        {
            errors["levels"] = [$"must hold 1 to {MaxLevels} levels."];
            return errors;
        }
        for (var i = 0; i < command.Levels.Count; i++)
        {
            CheckLevel(command.Levels[i], $"levels[{i}].", errors);
        }
        if (command.Levels.Select(l => l.OrderPosition).Distinct().Count() != command.Levels.Count)
        {
            errors["levels"] = ["order_position values must be unique."];
        }
        return errors;
    }

    public static Dictionary<string, string[]> Check(LevelDefinition level)
    {
        var errors = new Dictionary<string, string[]>();
        CheckLevel(level, "", errors);
        return errors;
    }

    public static Dictionary<string, string[]> Check(LevelUpdate update)
    {
        var errors = new Dictionary<string, string[]>();
        if (update.Name is not null) CheckName(update.Name, "name", errors);
        if (update.MaxRecipients is not null) CheckMaxRecipients(update.MaxRecipients.Value, "max_recipients", errors);
        if (update.PriceCents is not null) CheckPrice(update.PriceCents.Value, "price_cents", errors);
        return errors;
    }

    private static void CheckLevel(LevelDefinition level, string prefix, Dictionary<string, string[]> errors)
    {
        CheckName(level.Name, prefix + "name", errors);
        if (level.OrderPosition is < 1 or > 1000)
        {
            errors[prefix + "order_position"] = ["must be between 1 and 1000."];
        }
        CheckMaxRecipients(level.MaxRecipients, prefix + "max_recipients", errors);
        CheckPrice(level.PriceCents, prefix + "price_cents", errors);
    }

    private static void CheckName(string? name, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            errors[field] = ["is required, at most 200 characters."];
        }
    }

    private static void CheckMaxRecipients(int value, string field, Dictionary<string, string[]> errors)
    {
        if (value is < 1 or > 1000)
        {
            errors[field] = ["must be between 1 and 1000."];
        }
    }

    private static void CheckPrice(long value, string field, Dictionary<string, string[]> errors)
    {
        if (value is < 1 or > 100_000_00)
        {
            errors[field] = ["must be between 1 and 10000000 cents."];
        }
    }
}
