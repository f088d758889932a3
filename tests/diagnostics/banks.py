"""A synthetic item bank for the adaptive rules' tests: two items per cell, six domains.

Its guess rates are a realistic mix of what the forms hold: typed answers and forms (0),
orderings of four steps (1/24), pairs out of six (1/15), four choices (1/4) and one yes/no
(1/2) per domain, at a different level in each domain. Every informative cell (levels 1–4)
has one item that is hard to guess and one that is easy to guess.
"""

from tisser.diagnostics.adaptive import BankItem, ItemBank

DOMAINS = ("appareil", "informations", "communiquer", "demarches", "securite", "emploi")
NOT_JOBSEEKER = DOMAINS[:-1]

# Per level: (first item's guess rate, second item's guess rate).
_RATES = {
    0: (1 / 4, 1 / 4),
    1: (0.0, 1 / 4),
    2: (1 / 24, 1 / 4),
    3: (1 / 15, 1 / 4),
    4: (0.0, 1 / 4),
}


def synthetic_items(domains=DOMAINS, *, per_cell=2, form="e"):
    items = []
    for index, domain in enumerate(domains):
        yes_no_level = 1 + index % 4
        for level, rates in _RATES.items():
            for rank in range(per_cell):
                rate = rates[rank % 2]
                if level == yes_no_level and rank == 1:
                    rate = 1 / 2
                key = f"diag-{domain}-{form}{level}-{rank + 1}"
                items.append(BankItem(key=key, domain=domain, level=level, guess_rate=rate))
    return items


def synthetic_bank(domains=DOMAINS, **kwargs) -> ItemBank:
    return ItemBank(synthetic_items(domains, **kwargs))
