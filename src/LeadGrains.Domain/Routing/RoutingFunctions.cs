using System.Globalization;
using NCalc;
using NCalc.Handlers;

namespace LeadGrains.Domain.Routing;

/// <summary>The functions a routing condition may call; each runs in time bounded by its arguments' length.</summary>
internal static class RoutingFunctions
{
    /// <summary>Allowed function names and their number of arguments (-1: any, as NCalc's own <c>in</c>).</summary>
    public static readonly IReadOnlyDictionary<string, int> Arity = new Dictionary<string, int>
    {
        ["attr"] = 1,
        ["has"] = 1,
        ["startsWith"] = 2,
        ["lower"] = 1,
        ["in"] = -1,
    };

    /// <summary>The functions bound to one lead; <c>in</c> is NCalc's built-in.</summary>
    public static Dictionary<string, ExpressionFunction> For(LeadFacts facts) => new()
    {
        ["attr"] = args => facts.Attribute(Text(args, 0)),
        ["has"] = args => facts.Attributes.ContainsKey(Text(args, 0)),
        ["startsWith"] = args => Text(args, 0).StartsWith(Text(args, 1), StringComparison.OrdinalIgnoreCase),
        ["lower"] = args => Text(args, 0).ToLowerInvariant(),
    };

    private static string Text(FunctionData args, int index) => Convert.ToString(args.Evaluate(index), CultureInfo.InvariantCulture) ?? "";
}
