using LeadGrains.Domain.Delivery;

namespace LeadGrains.Domain.Tests.Delivery;

public sealed class MessageTemplateTests
{
    [Fact]
    public void The_built_in_template_uses_only_allowed_variables() => Assert.Empty(MessageTemplate.LeadAssigned.Check());

    [Fact]
    public void An_unknown_variable_is_refused_with_the_allowed_ones_named()
    {
        var errors = new MessageTemplate("Lead {{nich_name}}", "text", "<p>html</p>").Check();
        Assert.Contains("nich_name", errors["subject"][0]);
        Assert.Contains("niche_name", errors["subject"][0]);
        Assert.False(errors.ContainsKey("text"));
    }

    [Fact]
    public void An_unclosed_placeholder_and_an_empty_part_are_refused()
    {
        var errors = new MessageTemplate("Lead {{niche_name", "", "<p>x</p>").Check();
        Assert.True(errors.ContainsKey("subject"));
        Assert.True(errors.ContainsKey("text"));
    }

    [Fact]
    public void Values_are_filled_in_and_html_encoded_in_the_html_part_only()
    {
        var rendered = new MessageTemplate("New {{ niche_name }}", "Hi {{provider_name}}", "<p>{{provider_name}}</p>")
            .Render(new Dictionary<string, string> { ["niche_name"] = "movers", ["provider_name"] = "A & <B>" });
        Assert.Equal("New movers", rendered.Subject);
        Assert.Equal("Hi A & <B>", rendered.Text);
        Assert.Equal("<p>A &amp; &lt;B&gt;</p>", rendered.Html);
    }
}
