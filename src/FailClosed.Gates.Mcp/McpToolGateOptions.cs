using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.Mcp;

/// <summary>Options of the call-tool gate made by <see cref="McpToolGate.Create"/>.</summary>
public sealed class McpToolGateOptions
{
    /// <summary>
    /// Gets or sets whether a tool must be in the executor's action catalog. When set, the executor's catalog must be
    /// strict, so a call to any tool missing from it (served or not) is blocked with <see cref="GateCodes.ActionUnclassified"/>.
    /// A tool's annotations (such as a read-only hint) are never consulted.
    /// </summary>
    /// <value><see langword="true"/> by default.</value>
    public bool RequireCatalogued { get; set; } = true;

    /// <summary>Gets or sets whether every call needs a verified, unexpired caller (<see cref="GateCodes.IdentityMissing"/> otherwise).</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool RequireCaller { get; set; } = true;

    /// <summary>
    /// Gets or sets how the verified caller is read from the request's user. A resolver that throws makes the call
    /// <see cref="GateCodes.Malformed"/>.
    /// </summary>
    /// <value><see cref="IdentityFromClaims"/> by default.</value>
    public Func<ClaimsPrincipal?, VerifiedIdentity?> Caller { get; set; } = IdentityFromClaims;

    /// <summary>Gets or sets the prefix of a tool's action name in the catalog.</summary>
    /// <value>Empty by default: the action is the tool's name.</value>
    public string ActionPrefix { get; set; } = string.Empty;

    /// <summary>Gets or sets the logger blocks are written to.</summary>
    /// <value><see langword="null"/> (no logging) by default.</value>
    public ILogger? Logger { get; set; }

    /// <summary>Gets or sets the clock that judges credential expiry and stamps review requests.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Reads a verified identity from an authenticated user: the subject from the <c>sub</c> or name-identifier claim,
    /// the issuer from that claim, the expiry from the <c>exp</c> claim (seconds since the Unix epoch). A user that is
    /// absent or unauthenticated, or lacks a subject or a readable expiry, has no verified identity.
    /// </summary>
    /// <param name="user">The request's user.</param>
    /// <returns>The identity, or <see langword="null"/>.</returns>
    public static VerifiedIdentity? IdentityFromClaims(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true })
        {
            return null;
        }

        Claim? subject = user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.NameIdentifier);
        string? expires = user.FindFirst("exp")?.Value;
        if (subject is null || string.IsNullOrWhiteSpace(subject.Value) || string.IsNullOrWhiteSpace(subject.Issuer)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return null;
        }

        return new VerifiedIdentity(subject.Value, subject.Issuer, DateTimeOffset.FromUnixTimeSeconds(seconds));
    }
}
