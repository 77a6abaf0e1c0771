"""The commented profile template written by `clusterctl init`.

The template is one message of the catalog: its comments, and the sample
company's description and words, are in the language in use; its keys and the
values a profile takes (`startup`, `rd-projects`) are the same in every
language, so that either version validates.
"""

from .i18n import N_, _

PROFILE_TEMPLATE = N_("""\
# Company profile for `clusterctl match` (YAML; JSON works too).
# Only `name` (or siren/siret) and one of description, sectors, keywords or naf
# are required. Check it with: clusterctl validate company.yaml

name: Acme Drones                 # company name (or give siren / siret)
# siren: "123456789"              # identifiers are passed through to the output
# siret: "12345678900012"

description: >-
  Autonomous inspection drones for industrial sites.

# Free words, English or French; mapped to the sector taxonomy
# (see `clusterctl sectors`). Unknown words are still used as keywords.
sectors: [drones, aéronautique]

keywords: [computer vision, lidar]

# NAF rev. 2 / APE code, any usual spelling (30.30Z, 3030Z); a list is allowed.
naf: "30.30Z"

# Main site: a commune, a postal code, a département or a region...
location: Toulouse
# ...or field by field:
# location: {city: Toulouse, postal_code: "31000"}
# Further sites count too (the best one is used for each cluster):
# locations: [Bordeaux, "33700"]

# startup | sme | midcap | large | research | academic | public
size: startup
# employees: 12                   # sets size when size is absent

# What you want from a cluster: rd-projects, funding, coaching, europe,
# export, training, events (English or French words are understood).
looking_for: [r&d partners, funding, export]
""")


def profile_template() -> str:
    """The template in the language in use."""
    return _(PROFILE_TEMPLATE)
