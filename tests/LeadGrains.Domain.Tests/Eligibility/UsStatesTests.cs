using LeadGrains.Domain.Eligibility;

namespace LeadGrains.Domain.Tests.Eligibility;

public sealed class UsStatesTests
{
    [Theory]
    [InlineData("TX")]
    [InlineData("CA")]
    [InlineData("WY")]
    [InlineData("DC")]
    [InlineData("PR")]
    public void Accepts_states_dc_and_puerto_rico(string code)
    {
        Assert.True(UsStates.IsValid(code));
    }

    [Theory]
    [InlineData("tx")]
    [InlineData("XX")]
    [InlineData("GU")]
    [InlineData("TEX")]
    [InlineData("")]
    public void Rejects_anything_else(string code)
    {
        Assert.False(UsStates.IsValid(code));
    }
}
