using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// Run one class:   dotnet run -c Release --project benchmarks/FailClosed.Gates.Benchmarks -- --filter '*GateBenchmarks*'
// Prove they run:  dotnet run -c Release --project benchmarks/FailClosed.Gates.Benchmarks -- --job dry --filter '*'
Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToArray();

// Exit non-zero when a benchmark failed to build or run, so CI notices.
bool failed = summaries.Length == 0
    || summaries.Any(static s => s.HasCriticalValidationErrors || s.Reports.Any(static r => !r.Success));
return failed ? 1 : 0;
