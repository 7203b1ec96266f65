using System.Security.Cryptography;
using FsCheck;
using Microsoft.FSharp.Core;

namespace FailClosed.Gates.Testing;

/// <summary>Runs one property with the given options and turns FsCheck's failure report into a <see cref="LawViolationException"/>.</summary>
internal static class LawRunner
{
    // A fixed odd gamma, so that a seed alone replays a run.
    private const ulong Gamma = 0x9E3779B97F4A7C15;

    public static void Check(string law, LawCheckOptions? options, Property property)
    {
        options ??= LawCheckOptions.Default;
        options.Validate();
        ulong seed = options.Seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        Config config = Config.QuickThrowOnFailure
            .WithMaxTest(options.MaxTest)
            .WithStartSize(options.StartSize)
            .WithEndSize(options.EndSize)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, Gamma), FSharpOption<int>.None)));
        try
        {
            FsCheck.Check.One(config, property);
        }
        catch (LawViolationException)
        {
            throw;
        }
        catch (Exception exception)
        {
            throw new LawViolationException(law, seed, exception.Message, exception);
        }
    }
}
