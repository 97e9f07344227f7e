namespace LeadGrains.Abstractions;

/// <summary>
/// A command was rejected and changed nothing. <see cref="Errors"/> maps each offending field
/// (snake_case JSON path) to readable messages.
/// </summary>
[GenerateSerializer]
public sealed class ValidationFailedException : Exception
{
    /// <summary>Field errors, e.g. <c>levels[0].price_cents</c> → "must be greater than 0".</summary>
    [Id(0)] public Dictionary<string, string[]> Errors { get; }

    /// <summary>Creates the exception from field errors.</summary>
    public ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
        : base("The request is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
    {
        Errors = new Dictionary<string, string[]>(errors);
    }

    /// <summary>Creates the exception for one field.</summary>
    public ValidationFailedException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }
}
