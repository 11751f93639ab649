using System.Globalization;
using System.Text;

namespace ECommerce.Grains;

/// <summary>How names and queries become words: NFKC-normalised (so full-width Latin and composed or decomposed
/// Hangul compare equal), lower-cased invariantly, split at every character that is not a letter, a digit or a
/// combining mark. No stemming and no splitting inside a word: "무선 키보드" is 무선 + 키보드, and 키보 finds it,
/// 보드 does not.</summary>
internal static class CatalogWords
{
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().EnumerateRunes())
        {
            if (IsWordPart(rune))
            {
                word.Append(rune.ToString());
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words.Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool IsWordPart(Rune rune) =>
        Rune.IsLetterOrDigit(rune)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
}
