using System.Linq.Expressions;
using System.Reflection;

namespace ECommerce.Silo.Runtime;

/// <summary>Calls one grain interface method on a grain instance, and hands the caller a task of the method's own
/// return type that the runtime completes directly, so a failure is not rethrown at every hop.</summary>
internal sealed class GrainMethodInvoker
{
    private static readonly MethodInfo CreateTypedReply = Method(nameof(NewReply));
    private static readonly MethodInfo TaskResultOfT = Method(nameof(TaskResult));
    private static readonly MethodInfo AsTaskOfT = Method(nameof(ValueTaskAsTask));
    private static readonly MethodInfo AsValueTaskOfT = Method(nameof(TaskAsValueTask));

    private readonly Func<object, object?[], object?> _call;
    private readonly Func<object?, Task> _toTask;
    private readonly Func<IReply, object> _toReturnType;
    private readonly Func<IReply> _createReply;

    public GrainMethodInvoker(MethodInfo method)
    {
        Name = method.Name;
        _call = CompileCall(method);
        var returnType = method.ReturnType;
        var generic = returnType.IsGenericType ? returnType.GetGenericTypeDefinition() : null;
        if (returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            _createReply = static () => new Reply<object?>();
            ResultOf = static _ => null;
            _toTask = returnType == typeof(Task) ? static task => (Task)task! : static task => ((ValueTask)task!).AsTask();
            _toReturnType = returnType == typeof(Task) ? static reply => reply.Task : static reply => new ValueTask(reply.Task);
        }
        else if (generic == typeof(Task<>) || generic == typeof(ValueTask<>))
        {
            var t = returnType.GetGenericArguments()[0];
            _createReply = CreateTypedReply.MakeGenericMethod(t).CreateDelegate<Func<IReply>>();
            ResultOf = TaskResultOfT.MakeGenericMethod(t).CreateDelegate<Func<Task, object?>>();
            if (generic == typeof(Task<>))
            {
                _toTask = static task => (Task)task!;
                _toReturnType = static reply => reply.Task;
            }
            else
            {
                _toTask = AsTaskOfT.MakeGenericMethod(t).CreateDelegate<Func<object?, Task>>();
                _toReturnType = AsValueTaskOfT.MakeGenericMethod(t).CreateDelegate<Func<IReply, object>>();
            }
        }
        else
        {
            throw new InvalidOperationException(
                $"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }
    }

    public string Name { get; }

    /// <summary>The value of a successfully completed task returned by <see cref="InvokeAsync"/>.</summary>
    public Func<Task, object?> ResultOf { get; }

    public IReply CreateReply() => _createReply();

    /// <summary>Runs the method; a synchronous throw becomes a faulted task, as an async method's would.</summary>
    public Task InvokeAsync(object grain, object?[] arguments)
    {
        try
        {
            return _toTask(_call(grain, arguments));
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    /// <summary>The caller's view of the reply, as the interface method's declared return type.</summary>
    public object ToReturnType(IReply reply) => _toReturnType(reply);

    private static Func<object, object?[], object?> CompileCall(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var parameters = method.GetParameters()
            .Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType))
            .ToArray();
        var call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, parameters);
        return Expression.Lambda<Func<object, object?[], object?>>(Expression.Convert(call, typeof(object)), grain, args).Compile();
    }

    private static MethodInfo Method(string name) =>
        typeof(GrainMethodInvoker).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private static IReply NewReply<T>() => new Reply<T>();

    private static object? TaskResult<T>(Task task) => ((Task<T>)task).Result;

    private static Task ValueTaskAsTask<T>(object? task) => ((ValueTask<T>)task!).AsTask();

    private static object TaskAsValueTask<T>(IReply reply) => new ValueTask<T>((Task<T>)reply.Task);
}
