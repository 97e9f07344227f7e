using System.Globalization;
using NCalc;
using NCalc.Factories;

namespace LeadGrains.Domain.Routing;

/// <summary>
/// A rule's condition: an NCalc expression over a lead's <see cref="LeadFacts"/>, e.g.
/// <c>state in ('TX', 'OK') and startsWith(zip, '75') and (industry == 'solar' or company_size >= 50)</c>.
/// Parsed and checked once (<see cref="Compile"/>), then evaluated for many leads.
/// </summary>
public sealed class RoutingCondition
{
    public const int MaxLength = 1000;

    /// <summary>Parentheses nested deeper than this are refused before parsing, so the parser's recursion stays shallow.</summary>
    private const int MaxParentheses = 16;

    internal static readonly ExpressionConfiguration Configuration = ExpressionConfiguration.FromOptions(
        ExpressionOptions.OrdinalStringComparer | ExpressionOptions.NoCache | ExpressionOptions.DisallowSingleEquals);

    private static readonly EvaluationVisitorFactory Visitors = new();

    private static readonly LeadFacts Sample = LeadFacts.From("TX", "75001", 100_00, new Dictionary<string, string> { ["industry"] = "solar", ["company_size"] = "10" });

    private readonly LogicalExpression _expression;

    private RoutingCondition(string text, LogicalExpression expression)
    {
        Text = text;
        _expression = expression;
    }

    /// <summary>The condition as written.</summary>
    public string Text { get; }

    /// <summary>The checked condition, or why it is refused (syntax, sandbox, size, not a yes/no answer).</summary>
    public static (RoutingCondition? Condition, IReadOnlyList<string> Errors) Compile(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return (null, [$"is required, at most {MaxLength} characters."]);
        }
        if (DeepestParenthesis(text) > MaxParentheses)
        {
            return (null, [$"nests parentheses more than {MaxParentheses} deep."]);
        }
        LogicalExpression parsed;
        try
        {
            var expression = new Expression(text, Configuration, new ExpressionContext(), CultureInfo.InvariantCulture, Visitors);
            if (expression.HasErrors())
            {
                return (null, [$"does not parse: {expression.Error?.Message}"]);
            }
            parsed = expression.LogicalExpression ?? throw new InvalidOperationException("parsed expression missing");
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return (null, [$"does not parse: {error.Message}"]);
        }
        var refused = ConditionSandbox.Check(parsed);
        if (refused.Count > 0)
        {
            return (null, refused);
        }
        var condition = new RoutingCondition(text, parsed);
        try
        {
            if (condition.Answer(LeadEvaluation.Of(Sample)) is not bool)
            {
                return (null, ["must answer true or false (e.g. state == 'TX'), not a number or text."]);
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return (null, [$"fails on a sample lead: {error.Message}"]);
        }
        return (condition, []);
    }

    /// <summary>True when the lead meets the condition; a condition that fails on this lead's values is not met.</summary>
    public bool IsMetBy(LeadFacts facts) => IsMetBy(LeadEvaluation.Of(facts));

    /// <inheritdoc cref="IsMetBy(LeadFacts)"/>
    public bool IsMetBy(LeadEvaluation lead)
    {
        try
        {
            return Answer(lead) is true;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return false;
        }
    }

    private object? Answer(LeadEvaluation lead) => _expression.Accept(lead.Visitor);

    private static int DeepestParenthesis(string text)
    {
        int depth = 0, deepest = 0;
        foreach (var c in text)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            deepest = Math.Max(deepest, depth);
        }
        return deepest;
    }
}
