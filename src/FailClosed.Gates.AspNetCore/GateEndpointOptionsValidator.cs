using System.Globalization;
using Microsoft.Extensions.Options;

namespace FailClosed.Gates.AspNetCore;

/// <summary>Checks <see cref="GateEndpointOptions"/> at startup and again when a gated endpoint is built.</summary>
internal sealed class GateEndpointOptionsValidator : IValidateOptions<GateEndpointOptions>
{
    public ValidateOptionsResult Validate(string? name, GateEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? error = Error(options);
        return error is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(error);
    }

    public static void ThrowIfInvalid(GateEndpointOptions options)
    {
        if (Error(options) is { } error)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(GateEndpointOptions), [error]);
        }
    }

    private static string? Error(GateEndpointOptions options)
    {
        TimeSpan retryAfter = options.RetryAfter;
        return retryAfter <= TimeSpan.Zero || retryAfter > GateEndpointOptions.MaxRetryAfter
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"GateEndpointOptions.RetryAfter '{retryAfter}' must be positive and at most {GateEndpointOptions.MaxRetryAfter}: a 503 must tell the client when to come back.")
            : null;
    }
}
