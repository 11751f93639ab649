using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>An inverted index from name words to product ids, immutable so a state and its index change together.
/// The words are also kept sorted, so the words starting with a prefix are one contiguous run found by binary search.</summary>
internal sealed class CatalogIndex
{
    public static readonly CatalogIndex Empty = new(
        ImmutableSortedSet.Create<string>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, ImmutableHashSet<long>>(StringComparer.Ordinal));

    private readonly ImmutableSortedSet<string> _words;
    private readonly ImmutableDictionary<string, ImmutableHashSet<long>> _products;

    private CatalogIndex(ImmutableSortedSet<string> words, ImmutableDictionary<string, ImmutableHashSet<long>> products)
    {
        _words = words;
        _products = products;
    }

    public static CatalogIndex Build(IEnumerable<CatalogItem> items)
    {
        var products = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            foreach (var word in CatalogWords.Split(item.Name))
            {
                if (!products.TryGetValue(word, out var ids))
                {
                    products[word] = ids = [];
                }

                ids.Add(item.ProductId);
            }
        }

        return new CatalogIndex(
            products.Keys.ToImmutableSortedSet(StringComparer.Ordinal),
            products.ToImmutableDictionary(p => p.Key, p => p.Value.ToImmutableHashSet(), StringComparer.Ordinal));
    }

    /// <summary>The index once <paramref name="productId"/> is named <paramref name="newName"/> instead of
    /// <paramref name="oldName"/> (null when it was not listed).</summary>
    public CatalogIndex Rename(long productId, string? oldName, string newName)
    {
        if (oldName == newName)
        {
            return this;
        }

        var oldWords = oldName is null ? [] : CatalogWords.Split(oldName);
        var newWords = CatalogWords.Split(newName);
        var words = _words.ToBuilder();
        var products = _products.ToBuilder();
        foreach (var word in oldWords.Except(newWords, StringComparer.Ordinal))
        {
            var left = products[word].Remove(productId);
            if (left.IsEmpty)
            {
                products.Remove(word);
                words.Remove(word);
            }
            else
            {
                products[word] = left;
            }
        }

        foreach (var word in newWords.Except(oldWords, StringComparer.Ordinal))
        {
            products[word] = products.TryGetValue(word, out var ids) ? ids.Add(productId) : [productId];
            words.Add(word);
        }

        return new CatalogIndex(words.ToImmutable(), products.ToImmutable());
    }

    /// <summary>The products whose name has, for every query word, a word equal to it or starting with it.</summary>
    public HashSet<long> Match(IReadOnlyList<string> queryWords)
    {
        HashSet<long>? matches = null;
        foreach (var prefix in queryWords)
        {
            var withPrefix = new HashSet<long>();
            foreach (var word in WordsStartingWith(prefix))
            {
                withPrefix.UnionWith(_products[word]);
            }

            if (matches is null)
            {
                matches = withPrefix;
            }
            else
            {
                matches.IntersectWith(withPrefix);
            }

            if (matches.Count == 0)
            {
                break;
            }
        }

        return matches ?? [];
    }

    private IEnumerable<string> WordsStartingWith(string prefix)
    {
        var at = _words.IndexOf(prefix);
        for (var i = at >= 0 ? at : ~at; i < _words.Count && _words[i].StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            yield return _words[i];
        }
    }
}
