using System.Globalization;
using NCalc;
using NCalc.Factories;
using NCalc.Visitors;

namespace LeadGrains.Domain.Routing;

/// <summary>
/// One lead made ready for its conditions: the variables and functions are bound once, and every
/// rule tried on the lead is evaluated with the same visitor, instead of building an expression per rule.
/// </summary>
public sealed class LeadEvaluation
{
    private static readonly EvaluationVisitorFactory Visitors = new();

    private LeadEvaluation(EvaluationVisitor visitor) => Visitor = visitor;

    internal EvaluationVisitor Visitor { get; }

    public static LeadEvaluation Of(LeadFacts facts)
    {
        var context = new ExpressionContext(facts.Variables()!, null, RoutingFunctions.For(facts), null, null);
        return new LeadEvaluation(Visitors.CreateEvaluationVisitor(context, RoutingCondition.Configuration.Evaluation, CultureInfo.InvariantCulture,
            CancellationToken.None));
    }
}
