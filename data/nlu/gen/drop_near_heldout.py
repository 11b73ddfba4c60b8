"""Drop hand-written training messages that are close to a held-out message.

    python3 data/nlu/gen/drop_near_heldout.py HELDOUT... -- TRAIN...

Similarity is the Jaccard index of character trigrams of the normalised text (lowercase,
whitespace collapsed); a training message whose highest similarity to any held-out message
is >= 0.4 is removed from its file (rewritten in place). Prints only counts: no held-out
text, and not which training messages were dropped, so the held-out sets stay unread."""
import collections, json, sys

LIMIT = 0.4


def grams(text):
    t = " ".join(text.lower().split())
    return {t[i:i + 3] for i in range(max(len(t) - 2, 1))}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def main():
    args = sys.argv[1:]
    cut = args.index("--")
    held = [grams(o["text"]) for p in args[:cut] for o in load(p)]
    index = collections.defaultdict(list)
    for k, g in enumerate(held):
        for t in g:
            index[t].append(k)
    for path in args[cut + 1:]:
        rows, keep, dropped = load(path), [], collections.Counter()
        for o in rows:
            g = grams(o["text"])
            shared = collections.Counter(k for t in g for k in index.get(t, ()))
            best = max((n / len(g | held[k]) for k, n in shared.items()), default=0.0)
            if best >= LIMIT:
                dropped[o.get("lang", "?")] += 1
            else:
                keep.append(o)
        with open(path, "w", encoding="utf-8") as f:
            for o in keep:
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
        print(f"{path}: {len(rows)} -> {len(keep)}, dropped {len(rows) - len(keep)}",
              dict(sorted(dropped.items())))


main()
