namespace LeadGrains.Grains.Delivery;

/// <summary>A generic HTTP SMS gateway: a POST of a JSON body built from a template.</summary>
public sealed class SmsGatewayOptions
{
    /// <summary>Empty: no gateway, SMS deliveries fail (and are retried) with that error.</summary>
    public string Url { get; set; } = "";

    /// <summary>The JSON body; <c>{{to}}</c> and <c>{{text}}</c> are replaced by JSON-escaped values.</summary>
    public string BodyTemplate { get; set; } = """{"to":"{{to}}","text":"{{text}}"}""";

    /// <summary>Sent as the Authorization header when set.</summary>
    public string Authorization { get; set; } = "";
}
