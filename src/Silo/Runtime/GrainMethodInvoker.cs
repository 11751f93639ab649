using System.Linq.Expressions;
using System.Reflection;

namespace ECommerce.Silo.Runtime;

/// <summary>Calls one grain interface method on a grain instance and turns whatever it returns into a Task of object.</summary>
internal sealed class GrainMethodInvoker
{
    private static readonly MethodInfo AwaitTaskOfT = typeof(GrainMethodInvoker).GetMethod(nameof(AwaitTypedTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AwaitValueTaskOfT = typeof(GrainMethodInvoker).GetMethod(nameof(AwaitTypedValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CastResultOfT = typeof(GrainMethodInvoker).GetMethod(nameof(CastTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CastValueResultOfT = typeof(GrainMethodInvoker).GetMethod(nameof(CastValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<object, object?[], object?> _call;
    private readonly Func<object?, Task<object?>> _await;
    private readonly Func<Task<object?>, object> _toReturnType;

    public GrainMethodInvoker(MethodInfo method)
    {
        Method = method;
        Name = method.Name;
        _call = CompileCall(method);
        var returnType = method.ReturnType;
        if (returnType == typeof(Task))
        {
            _await = static async result => { await ((Task)result!).ConfigureAwait(false); return null; };
            _toReturnType = static task => task;
        }
        else if (returnType == typeof(ValueTask))
        {
            _await = static async result => { await ((ValueTask)result!).ConfigureAwait(false); return null; };
            _toReturnType = static task => new ValueTask(task);
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var t = returnType.GetGenericArguments()[0];
            _await = AwaitTaskOfT.MakeGenericMethod(t).CreateDelegate<Func<object?, Task<object?>>>();
            _toReturnType = CastResultOfT.MakeGenericMethod(t).CreateDelegate<Func<Task<object?>, object>>();
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var t = returnType.GetGenericArguments()[0];
            _await = AwaitValueTaskOfT.MakeGenericMethod(t).CreateDelegate<Func<object?, Task<object?>>>();
            _toReturnType = CastValueResultOfT.MakeGenericMethod(t).CreateDelegate<Func<Task<object?>, object>>();
        }
        else
        {
            throw new InvalidOperationException(
                $"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }
    }

    public MethodInfo Method { get; }

    public string Name { get; }

    /// <summary>Runs the method; a synchronous throw becomes a faulted task, as an async method's would.</summary>
    public Task<object?> InvokeAsync(object grain, object?[] arguments)
    {
        object? returned;
        try
        {
            returned = _call(grain, arguments);
        }
        catch (Exception exception)
        {
            return Task.FromException<object?>(exception);
        }

        return _await(returned);
    }

    /// <summary>Turns the runtime's Task of object into the interface method's declared return type.</summary>
    public object ToReturnType(Task<object?> result) => _toReturnType(result);

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

    private static async Task<object?> AwaitTypedTask<T>(object? task) => await ((Task<T>)task!).ConfigureAwait(false);

    private static async Task<object?> AwaitTypedValueTask<T>(object? task) => await ((ValueTask<T>)task!).ConfigureAwait(false);

    private static object CastTask<T>(Task<object?> task) => CastAsync<T>(task);

    private static object CastValueTask<T>(Task<object?> task) => new ValueTask<T>(CastAsync<T>(task));

    private static async Task<T> CastAsync<T>(Task<object?> task) => (T)(await task.ConfigureAwait(false))!;
}
