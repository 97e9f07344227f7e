using System.Text.Json;
using LeadGrains.Api.Errors;
using LeadGrains.Domain.Text;

namespace LeadGrains.Api.Json;

/// <summary>
/// Refuses a JSON body any of whose strings — values and property names, at any depth, free-form
/// attributes included — could not be stored (<see cref="StorableText"/>), naming the field. It
/// reads the body's tokens before it is bound, so every endpoint's every string field is covered,
/// whatever type it binds to. Malformed JSON is left to the binder, which says what is wrong.
/// </summary>
public static class StorableStrings
{
    public static void Check(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var frames = new Stack<Frame>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = Text(ref reader, frames.TryPeek(out var owner) ? owner.Path : "body");
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Push(new Frame(frames.Count == 0 ? "" : PathOf(frames.Peek(), property), reader.TokenType == JsonTokenType.StartArray));
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        break;
                    case JsonTokenType.String:
                        Text(ref reader, frames.Count == 0 ? "body" : PathOf(frames.Peek(), property));
                        break;
                    default:
                        if (frames.TryPeek(out var frame))
                        {
                            PathOf(frame, property);
                        }
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }
    }

    private static string Text(ref Utf8JsonReader reader, string field)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\ud800) cannot be read as a .NET string at all.
            throw Refused(field);
        }
        return StorableText.IsStorable(text) ? text : throw Refused(field);
    }

    private static ApiProblemException Refused(string field) =>
        ApiProblemException.Validation(field.Length == 0 ? "body" : field, StorableText.Requirement);

    // An array's elements are numbered in the order they are read, as the binder names them (levels[0].name).
    private static string PathOf(Frame frame, string? property)
    {
        if (frame.IsArray)
        {
            return $"{frame.Path}[{frame.NextIndex++}]";
        }
        return frame.Path.Length == 0 ? property ?? "" : $"{frame.Path}.{property}";
    }

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public int NextIndex { get; set; }
    }
}
