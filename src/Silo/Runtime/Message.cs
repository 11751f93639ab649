using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Silo.Runtime;

/// <summary>One call waiting for, or running as, a turn.</summary>
internal sealed class Message
{
    private Message(GrainId target, string methodName, CallChain? chain, Func<Grain, Task> run, Func<Task, object?> result,
        IReply reply, bool hasCaller)
    {
        Target = target;
        MethodName = methodName;
        Chain = chain;
        Run = run;
        Result = result;
        Reply = reply;
        HasCaller = hasCaller;
        StartedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public GrainId Target { get; }

    public string MethodName { get; }

    /// <summary>The caller's chain; the turn runs with this grain added to it.</summary>
    public CallChain? Chain { get; }

    /// <summary>Starts the turn's work; the returned task is observed without rethrowing.</summary>
    public Func<Grain, Task> Run { get; }

    /// <summary>Reads the value of the successfully completed task <see cref="Run"/> returned.</summary>
    public Func<Task, object?> Result { get; }

    public IReply Reply { get; }

    /// <summary>False for timer ticks and reminders, whose failures are logged rather than returned.</summary>
    public bool HasCaller { get; }

    public long StartedAt { get; }

    public bool Retried { get; set; }

    public static Message ForCall(GrainId target, GrainMethodInvoker invoker, object?[] arguments, CallChain? chain) =>
        new(target, invoker.Name, chain, grain => invoker.InvokeAsync(grain, arguments), invoker.ResultOf, invoker.CreateReply(),
            hasCaller: true);

    public static Message ForWork(GrainId target, string name, Func<Grain, Task> work, CallChain? chain) =>
        new(target, name, chain, work, static _ => null, new Reply<object?>(), hasCaller: false);
}

/// <summary>A finished turn whose reply waits for the group-commit write that holds its effect.</summary>
internal readonly record struct HeldReply(Message Message, object? Result, Exception? Error);
