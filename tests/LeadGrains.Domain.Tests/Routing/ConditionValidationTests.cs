using LeadGrains.Domain.Routing;

namespace LeadGrains.Domain.Tests.Routing;

/// <summary>Conditions are checked when a rule is saved: what could run away, reach outside or not answer yes/no is refused.</summary>
public sealed class ConditionValidationTests
{
    [Theory]
    [InlineData("state == 'TX'")]
    [InlineData("state in ('TX', 'OK') and not (zip == '')")]
    [InlineData("attr('loan_type') == 'refi' || amount_cents >= 1000")]
    [InlineData("company_size > 10 ? industry == 'saas' : false")]
    public void Plain_conditions_are_accepted(string condition)
    {
        var (compiled, errors) = RoutingCondition.Compile(condition);

        Assert.Empty(errors);
        Assert.NotNull(compiled);
    }

    [Theory]
    [InlineData("1000000000! > 0", "Factorial")]                                 // runaway: factorial of a huge number
    [InlineData("Pow(10, 100000) > 1", "Pow")]                                   // built-in functions are out
    [InlineData("amount_cents ** 999999 > 0", "Exponentiation")]
    [InlineData("zip like '%1%1%1%1%1%1%1%1%1%1%'", "Like")]                     // patterns: backtracking
    [InlineData("System.IO.File.Exists('/etc/passwd')", "does not parse")]       // no member access, no I/O
    [InlineData("GetType() == 'x'", "GetType")]                                  // no reflection
    [InlineData("secret == 1", "variable secret is unknown")]
    [InlineData("state == ", "does not parse")]
    [InlineData("amount_cents", "true or false")]
    [InlineData("amount_cents + 1 > 2", "Plus")]
    [InlineData("1 << 62 > 0", "LeftShift")]
    [InlineData("startsWith(zip)", "takes 2")]
    public void Dangerous_or_broken_conditions_are_refused(string condition, string why)
    {
        var (compiled, errors) = RoutingCondition.Compile(condition);

        Assert.Null(compiled);
        Assert.True(errors.Any(error => error.Contains(why, StringComparison.OrdinalIgnoreCase)), string.Join("; ", errors));
    }

    [Fact]
    public void Deep_nesting_and_oversized_conditions_are_refused_before_parsing()
    {
        Assert.Null(RoutingCondition.Compile(new string('(', 200) + "true" + new string(')', 200)).Condition);
        Assert.Null(RoutingCondition.Compile(string.Join(" or ", Enumerable.Repeat("state == 'TX'", 100))).Condition);
        Assert.Null(RoutingCondition.Compile(string.Join(" or ", Enumerable.Repeat("zip == '1'", 90))).Condition);   // under the length, over the terms
    }
}
