"""Given and family names of the people in the demo, as a West Flemish village has them.

Flemish given names follow the fashion of the birth year (a Godelieve born in
1945, a Kristof in 1975, a Noah in 2018); families of other origins get names of
their own. Any resemblance to a real resident is a coincidence of common names.
"""

import random

# Flemish given names by the last birth year of a generation.
FLEMISH_GIVEN_NAMES = {
    1949: {
        "m": "Jozef Marcel André Roger Georges Frans Gilbert Lucien Albert Maurice Omer "
        "Gustaaf Remi Antoon Willy Noël Etienne Robert Julien Gerard Achiel Valère",
        "f": "Maria Godelieve Paula Agnes Rachel Simonne Georgette Jeanne Germaine "
        "Margriet Julienne Rosa Irène Denise Gabriëlla Yvonne Bertha Elisa Martha Alice",
    },
    1969: {
        "m": "Luc Eddy Patrick Dirk Johan Marc Eric Daniel Rudi Jan Paul Freddy Guido "
        "Hugo Geert Ronny Rik Danny Willem Bernard Philippe Norbert",
        "f": "Rita Annie Christine Linda Hilde Martine Greta Ann Carine Lieve Nicole "
        "Veerle Kathleen Rosette Marleen Monique Chris Mieke Lutgarde Myriam",
    },
    1989: {
        "m": "Kristof Bart Tom Stijn Peter Wim Koen Frederik Steven Pieter Joris Dries "
        "Nick Sven Kurt Wouter Bert Filip Kenny Gert Tim Jens Jeroen",
        "f": "Sofie Nathalie Els Katrien Sarah Evelien Griet Tine Leen Inge Lies Nele "
        "Ellen Karen Sandra An Hanne Heidi Valerie Liesbeth Caroline Elke",
    },
    2004: {
        "m": "Thomas Robbe Jonas Arne Maxim Lennert Brent Senne Wout Ruben Niels Matthias "
        "Jarne Seppe Simon Lander Ward Kobe Lars Michiel Tibo Milan",
        "f": "Lotte Laura Jana Eline Febe Charlotte Lien Marie Emma Ine Hanne Julie Kaat "
        "Fien Amber Lisa Ellen Silke Margot Lore Elien Janne",
    },
    2025: {
        "m": "Noah Lucas Arthur Louis Liam Jules Finn Mats Vic Leon Adam Victor Mauro "
        "Georges Lewis Nand Warre Stan Staf Miel Rube Cas Otis",
        "f": "Olivia Louise Mila Nora Elena Lina Ella Marie Noor Anna Lou Juliette "
        "Camille Fleur Ona Jade Lena Hanne Margot Ilya Liv Roos Zita",
    },
}

# Names of other origins do not change with the generation in a demo this size.
OTHER_GIVEN_NAMES = {
    "french": {
        "m": "Jean Pierre Michel Alain Philippe Jacques Christophe Nicolas Julien Maxime "
        "Hugo Théo Mathis Raphaël",
        "f": "Marie Françoise Monique Isabelle Sylvie Nathalie Céline Aurélie Amélie "
        "Camille Chloé Manon Léa Zoé",
    },
    "dutch": {
        "m": "Henk Kees Jeroen Sander Bas Daan Sem Lars Thijs Joost Ruud Bram",
        "f": "Ingrid Marloes Esther Anouk Sanne Femke Lieke Tess Iris Fenna Mirjam Roos",
    },
    "polish": {
        "m": "Piotr Krzysztof Tomasz Marcin Paweł Michał Jakub Kacper Szymon Andrzej",
        "f": "Anna Katarzyna Agnieszka Magdalena Joanna Monika Zuzanna Julia Maja Ewa",
    },
    "romanian": {
        "m": "Ion Andrei Mihai Alexandru Florin Cristian Gabriel Ștefan David Darius",
        "f": "Elena Maria Ioana Andreea Mihaela Cristina Alexandra Bianca Daria Sofia",
    },
    "moroccan": {
        "m": "Mohamed Youssef Karim Said Rachid Hamza Adam Ilias Ayoub Bilal Mehdi",
        "f": "Fatima Khadija Naima Samira Salma Yasmina Nour Imane Sara Aya Malika",
    },
    "ukrainian": {
        "m": "Oleksandr Andriy Dmytro Serhiy Mykola Bohdan Maksym Artem",
        "f": "Olena Oksana Iryna Nataliya Tetiana Sofiia Anastasiia Kateryna",
    },
    "syrian": {
        "m": "Ahmad Omar Khaled Mahmoud Ali Hassan Yazan Karam",
        "f": "Rania Huda Lama Reem Dana Maya Layla Joud",
    },
    "english": {
        "m": "James David Michael Richard Oliver Harry George Jack",
        "f": "Sarah Emily Claire Rachel Sophie Grace Amelia Charlotte",
    },
}

FAMILY_NAMES = {
    "flemish": """
        Vandenbroucke Declercq Vermeulen Desmet Vanhoutte Debruyne Verhaeghe Maes Claeys
        Lambrecht Vandewalle Dewulf Devos Decock Vandamme Deprez Vanneste Verstraete
        Goethals Vercruysse Deleu Vanhee Vandecasteele Seynaeve Deceuninck Decoene
        Vanmaele Callewaert Vanlerberghe Depoorter Dejonghe Verhelst Ghekiere
        Vandekerckhove Demeyere Vanacker Lemahieu Vuylsteke Bruneel Coucke Vandenberghe
        Hoste Vandaele Mestdagh Verbeke Ryckaert Dobbelaere Tack Cappelle Vanparys Dewaele
        Vanhoorne Vansteenkiste Vandenbussche Beernaert Casteleyn Goddeeris Naessens
        Vermeersch Descamps Vanoverberghe Debaene Bossuyt Delbeke Dejaegher
        Vannieuwenhuyse Vanwynsberghe Lagae Persyn Bonte Devlieger Soenen Maertens
        Vandromme Vanhaecke Gheysen Verschelde Dedeyne Vanderhaeghe Vantomme Vandenbulcke
        Feys Rosseel Vanbiervliet Dhondt Devriendt Vervaeke Degryse Vancoillie Haesaert
        Lefere Vanneuville Dumortier Windels Vanlerberghe Deweer Dejaeghere Vandorpe
        Pattyn Verfaillie Wyffels Ghesquière Vandenabeele Dewitte Verkinderen Sabbe
        Vyncke Laloo Deblauwe Vanthuyne Tanghe Vannieuwenhuyze Leenknecht Samyn Peeters
        Boone Carrette Vanwalleghem Desender Verhaeghe Allemeersch Hollevoet Vandenbulcke
    """,
    "french": "Dubois Lefebvre Lambert Dupont Martin Leroy Lemaire Dumont Dupuis Fontaine "
    "Renard Leclercq Mercier Gérard Delhaye Lejeune Masson Denis Michaux Collard",
    "dutch": "de_Vries Jansen Bakker Visser Smit Meijer de_Boer Mulder de_Groot Bos "
    "Vos Peters Hendriks van_Dijk Dekker",
    "polish": "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański "
    "Woźniak Dąbrowski Kozłowski Mazur",
    "romanian": "Popescu Ionescu Popa Stan Dumitru Stoica Gheorghe Rusu Munteanu Matei "
    "Constantin Marin",
    "moroccan": "El_Amrani Benali El_Idrissi Bouzid Ait_Ouali El_Ouardi Azzouzi Bennani "
    "Chaoui El_Khattabi Haddou Ouahbi",
    "ukrainian": "Shevchenko Bondarenko Kovalenko Tkachenko Kravchenko Oliynyk Melnyk Lysenko",
    "syrian": "Al_Hassan Khalil Haddad Darwish Mansour Al_Ahmad Saleh Nasser",
    "english": "Smith Jones Taylor Brown Williams Wilson Evans Thomas Roberts Walker",
}


def _words(text: str) -> list[str]:
    # An underscore keeps a name with a particle ("de_Vries") together; duplicates go.
    return list(dict.fromkeys(word.replace("_", " ") for word in text.split()))


_FAMILY_NAME_LISTS = {origin: _words(names) for origin, names in FAMILY_NAMES.items()}
_GIVEN_BY_GENERATION = sorted(
    (last_year, {sex: _words(names) for sex, names in by_sex.items()})
    for last_year, by_sex in FLEMISH_GIVEN_NAMES.items()
)
_OTHER_GIVEN = {
    origin: {sex: _words(names) for sex, names in by_sex.items()}
    for origin, by_sex in OTHER_GIVEN_NAMES.items()
}


def family_name(rng: random.Random, origin: str) -> str:
    """A family name common among families of this origin."""
    return rng.choice(_FAMILY_NAME_LISTS[origin])


def family_name_for_sex(name: str, sex: str) -> str:
    """Polish family names end in -ski for men and -ska for women (Kowalski, Kowalska)."""
    for masculine, feminine in (("ski", "ska"), ("cki", "cka")):
        if sex == "f" and name.endswith(masculine):
            return name[: -len(masculine)] + feminine
        if sex == "m" and name.endswith(feminine):
            return name[: -len(feminine)] + masculine
    return name


def given_names(rng: random.Random, *, sex: str, birth_year: int, origin: str) -> str:
    """One or more given names; older Flemings often carry a second or third one."""
    pool = _given_pool(sex=sex, birth_year=birth_year, origin=origin)
    first = rng.choice(pool)
    if origin != "flemish":
        return first
    extra_chance = 0.45 if birth_year < 1970 else 0.2
    if rng.random() >= extra_chance:
        return first
    # A second name is often a grandparent's, so it comes from an older generation.
    older = _given_pool(sex=sex, birth_year=birth_year - 40, origin=origin)
    second = rng.choice([name for name in older if name != first])
    return f"{first} {second}"


def _given_pool(*, sex: str, birth_year: int, origin: str) -> list[str]:
    if origin != "flemish":
        return _OTHER_GIVEN[origin][sex]
    for last_year, by_sex in _GIVEN_BY_GENERATION:
        if birth_year <= last_year:
            return by_sex[sex]
    return _GIVEN_BY_GENERATION[-1][1][sex]
