using NCalc;
using NCalc.Visitors;

namespace LeadGrains.Domain.Routing;

/// <summary>
/// The sandbox of routing conditions, checked on the parsed expression before a rule is saved.
/// NCalc has no member access, reflection or I/O to begin with; this also keeps out everything
/// whose cost does not follow from the expression's size (factorial, powers, shifts, LIKE's
/// patterns, the built-in functions), so a condition is evaluated in time bounded by its size, and
/// its size is bounded too. It names only the lead's variables and the routing functions.
/// </summary>
internal sealed class ConditionSandbox : ILogicalExpressionVisitor<int>
{
    public const int MaxNodes = 200;
    public const int MaxDepth = 24;

    private static readonly HashSet<BinaryExpressionType> AllowedOperators =
    [
        BinaryExpressionType.And, BinaryExpressionType.Or,
        BinaryExpressionType.Equal, BinaryExpressionType.NotEqual,
        BinaryExpressionType.Lesser, BinaryExpressionType.LesserOrEqual, BinaryExpressionType.Greater, BinaryExpressionType.GreaterOrEqual,
        BinaryExpressionType.In, BinaryExpressionType.NotIn,
    ];

    private readonly List<string> _errors = [];
    private int _nodes;
    private int _depth;

    public IReadOnlyList<string> Errors => _errors;

    public static IReadOnlyList<string> Check(LogicalExpression expression)
    {
        var sandbox = new ConditionSandbox();
        expression.Accept(sandbox);
        return sandbox._errors.Distinct().ToList();
    }

    public int Visit(TernaryExpression expression) =>
        Enter(() => expression.LeftExpression.Accept(this) + expression.MiddleExpression.Accept(this) + expression.RightExpression.Accept(this));

    public int Visit(BinaryExpression expression) => Enter(() =>
    {
        if (!AllowedOperators.Contains(expression.Type))
        {
            _errors.Add($"the operator {expression.Type} is not allowed (use and, or, not, comparisons and in).");
        }
        return expression.LeftExpression.Accept(this) + expression.RightExpression.Accept(this);
    });

    public int Visit(UnaryExpression expression) => Enter(() =>
    {
        if (expression.Type != UnaryExpressionType.Not && expression.Type != UnaryExpressionType.Negate)
        {
            _errors.Add($"the operator {expression.Type} is not allowed.");
        }
        return expression.Expression.Accept(this);
    });

    public int Visit(ValueExpression expression) => Enter(() => 0);

    public int Visit(Function function) => Enter(() =>
    {
        var name = function.Identifier.Name;
        if (!RoutingFunctions.Arity.TryGetValue(name, out var arity))
        {
            _errors.Add($"the function {name} is unknown (allowed: {string.Join(", ", RoutingFunctions.Arity.Keys)}).");
        }
        else if (arity >= 0 && function.Parameters.Count != arity)
        {
            _errors.Add($"the function {name} takes {arity} argument(s).");
        }
        return function.Parameters.Sum(parameter => parameter.Accept(this));
    });

    public int Visit(Identifier identifier) => Enter(() =>
    {
        if (!LeadFacts.VariableNames.Contains(identifier.Name))
        {
            _errors.Add($"the variable {identifier.Name} is unknown (allowed: {string.Join(", ", LeadFacts.VariableNames)}; any attribute through attr('name')).");
        }
        return 0;
    });

    public int Visit(LogicalExpressionList list) => Enter(() => list.Sum(item => item.Accept(this)));

    private int Enter(Func<int> visitChildren)
    {
        if (++_nodes > MaxNodes || _depth >= MaxDepth)
        {
            _errors.Add($"the condition is too large (at most {MaxNodes} terms, nested at most {MaxDepth} deep).");
            return 0;
        }
        _depth++;
        try
        {
            return visitChildren();
        }
        finally
        {
            _depth--;
        }
    }
}
