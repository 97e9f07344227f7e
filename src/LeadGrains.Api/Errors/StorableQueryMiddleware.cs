using LeadGrains.Domain.Text;

namespace LeadGrains.Api.Errors;

/// <summary>
/// Refuses a query string with a value (or name) that could not be stored or compared by the
/// database (<see cref="StorableText"/>): a 400 naming the parameter instead of a 500 from PostgreSQL.
/// Bodies are checked as they are read (<c>JsonBody</c>).
/// </summary>
public sealed class StorableQueryMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        foreach (var (name, values) in http.Request.Query)
        {
            if (!StorableText.IsStorable(name))
            {
                throw ApiProblemException.Validation("query", StorableText.Requirement);
            }
            if (values.Any(value => value is not null && !StorableText.IsStorable(value)))
            {
                throw ApiProblemException.Validation(name, StorableText.Requirement);
            }
        }
        return next(http);
    }
}
