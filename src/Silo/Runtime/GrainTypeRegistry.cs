using System.Collections.Concurrent;
using System.Reflection;
using ECommerce.Grains.Abstractions.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo.Runtime;

/// <summary>What the runtime knows of one grain class: its type name, how to build it, and its interfaces' methods.</summary>
internal sealed class GrainClassInfo
{
    private readonly ConstructorInfo _constructor;
    private readonly ParameterInfo[] _parameters;

    public GrainClassInfo(Type classType)
    {
        ClassType = classType;
        TypeName = classType.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultTypeName(classType);
        GroupCommit = classType.GetCustomAttribute<GroupCommitAttribute>() is not null;
        var constructors = classType.GetConstructors();
        if (constructors.Length != 1)
        {
            throw new InvalidOperationException($"Grain class {classType.Name} must have exactly one public constructor.");
        }

        _constructor = constructors[0];
        _parameters = _constructor.GetParameters();
        IsRemindable = typeof(IRemindable).IsAssignableFrom(classType);
    }

    public Type ClassType { get; }

    public string TypeName { get; }

    public bool GroupCommit { get; }

    public bool IsRemindable { get; }

    /// <summary>Builds the grain, asking <paramref name="stateFactory"/> for each [PersistentState] parameter.</summary>
    public Grain Create(IServiceProvider services, Func<Type, string, object> stateFactory)
    {
        var arguments = new object?[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            var stateAttribute = parameter.GetCustomAttribute<PersistentStateAttribute>();
            if (stateAttribute is not null)
            {
                if (!parameter.ParameterType.IsGenericType || parameter.ParameterType.GetGenericTypeDefinition() != typeof(IPersistentState<>))
                {
                    throw new InvalidOperationException($"[PersistentState] parameter {parameter.Name} of {ClassType.Name} must be an IPersistentState<T>.");
                }

                arguments[i] = stateFactory(parameter.ParameterType.GetGenericArguments()[0], stateAttribute.StateName);
            }
            else
            {
                arguments[i] = services.GetRequiredService(parameter.ParameterType);
            }
        }

        return (Grain)_constructor.Invoke(arguments);
    }

    private static string DefaultTypeName(Type classType)
    {
        var name = classType.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}

/// <summary>Grain classes found in the assemblies given to the silo, by interface and by type name.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainClassInfo> _byInterface = [];
    private readonly Dictionary<string, GrainClassInfo> _byTypeName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MethodInfo, GrainMethodInvoker> _invokers = new();

    public GrainTypeRegistry(IEnumerable<Type> grainClasses)
    {
        var ambiguous = new HashSet<Type>();
        foreach (var classType in grainClasses.Distinct())
        {
            var info = new GrainClassInfo(classType);
            if (!_byTypeName.TryAdd(info.TypeName, info))
            {
                throw new InvalidOperationException($"Two grain classes share the type name '{info.TypeName}'.");
            }

            foreach (var grainInterface in classType.GetInterfaces().Where(IsGrainInterface))
            {
                if (!_byInterface.TryAdd(grainInterface, info))
                {
                    ambiguous.Add(grainInterface);
                }
            }
        }

        foreach (var grainInterface in ambiguous)
        {
            _byInterface.Remove(grainInterface);
        }
    }

    public GrainClassInfo ForInterface(Type grainInterface) =>
        _byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new InvalidOperationException($"No single grain class implements {grainInterface.Name}; is its assembly given to AddSilo?");

    public GrainClassInfo ForTypeName(string typeName) =>
        _byTypeName.TryGetValue(typeName, out var info)
            ? info
            : throw new InvalidOperationException($"Unknown grain type '{typeName}'.");

    public GrainMethodInvoker Invoker(MethodInfo interfaceMethod) =>
        _invokers.GetOrAdd(interfaceMethod, static m => new GrainMethodInvoker(m));

    public static IEnumerable<Type> GrainClassesIn(System.Reflection.Assembly assembly) =>
        assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(t));

    private static bool IsGrainInterface(Type type) =>
        typeof(IGrain).IsAssignableFrom(type) && type != typeof(IGrain) && type != typeof(IGrainWithIntegerKey)
        && type != typeof(IGrainWithStringKey) && type != typeof(IRemindable);
}
