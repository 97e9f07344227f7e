using LeadGrains.Domain.Distribution;

namespace LeadGrains.Domain.Tests.Distribution;

public sealed class FairnessMeasuresTests
{
    [Fact]
    public void Equal_shares_have_no_spread_and_an_index_of_one()
    {
        var measures = FairnessMeasures.Of([4, 4, 4]);

        Assert.Equal(new FairnessMeasures(3, 12, 0, 1.0), measures);
    }

    [Fact]
    public void One_provider_taking_everything_scores_one_over_n()
    {
        var measures = FairnessMeasures.Of([9, 0, 0]);

        Assert.Equal(9, measures.Spread);
        Assert.Equal(1.0 / 3, measures.JainsIndex!.Value, precision: 12);
    }

    [Fact]
    public void A_round_robin_one_lead_short_is_nearly_fair()
    {
        var measures = FairnessMeasures.Of([3, 3, 2]);

        Assert.Equal(1, measures.Spread);
        Assert.Equal(64.0 / 66, measures.JainsIndex!.Value, precision: 12);
    }

    [Fact]
    public void No_provider_has_no_index_and_no_assignment_is_equal()
    {
        Assert.Null(FairnessMeasures.Of([]).JainsIndex);
        Assert.Equal(1.0, FairnessMeasures.Of([0, 0]).JainsIndex);
    }
}
