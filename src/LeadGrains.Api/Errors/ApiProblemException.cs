namespace LeadGrains.Api.Errors;

/// <summary>
/// Ends a request with a problem-details answer. Thrown by request parsing and handlers for
/// expected refusals (bad input, unknown ids, conflicts); nothing has changed when it is thrown.
/// </summary>
public sealed class ApiProblemException(int status, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();

    public static ApiProblemException Validation(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "The request is invalid.", new Dictionary<string, string[]> { [field] = [message] });

    public static ApiProblemException Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "The request is invalid.", errors);

    public static ApiProblemException NotFound(string what) =>
        new(StatusCodes.Status404NotFound, $"No {what} with this id exists in your workspace.");

    public static ApiProblemException Conflict(string detail) => new(StatusCodes.Status409Conflict, detail);
}
