using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FailClosed.Gates.AspNetCore;

/// <summary>Tells API descriptions that a gated endpoint may answer 403 or 503 with problem details.</summary>
internal static class GateEndpointMetadata
{
    public static readonly object[] Instance =
    [
        new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]),
        new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), ["application/problem+json"]),
    ];
}
