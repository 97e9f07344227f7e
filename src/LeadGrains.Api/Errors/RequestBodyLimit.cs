using Microsoft.AspNetCore.Http.Features;

namespace LeadGrains.Api.Errors;

/// <summary>Endpoint metadata: the largest request body this endpoint accepts, in bytes.</summary>
public sealed record RequestBodyLimit(long MaxBytes)
{
    /// <summary>JSON bodies: far above any legitimate command, far below what could hurt.</summary>
    public static readonly RequestBodyLimit Json = new(1024 * 1024);
}

/// <summary>
/// Enforces <see cref="RequestBodyLimit"/> (1 MiB unless the endpoint says otherwise): a declared
/// length over the limit is refused at once with 413; an undeclared (chunked) body is cut off as
/// soon as it passes the limit, which also ends in 413.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        var limit = (http.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>() ?? RequestBodyLimit.Json).MaxBytes;
        if (http.Request.ContentLength > limit)
        {
            return Problems.Write(http, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limit} bytes.");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = limit;
        }
        http.Request.Body = new LimitedStream(http.Request.Body, limit);
        return next(http);
    }

    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
            {
                throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limit} bytes.");
            }
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
