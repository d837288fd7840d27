"""The names a reader sees, in Spanish, Portuguese and English: outcomes and scenarios.

The workshop page (``app/labels.py``) and the batch report both name outcomes and the
library's scenarios; each name is written here once and both read it. A test checks that
every name has all three languages.
"""

from __future__ import annotations

__all__ = [
    "CHART_TITLES",
    "LANGUAGE_CODES",
    "OUTCOME_NAMES",
    "SCENARIO_TITLES",
    "SEX_NAMES",
    "outcome_name",
    "scenario_title",
]

#: The languages every name is written in.
LANGUAGE_CODES = ("es", "pt", "en")

#: Outcomes by their name in the results (a model outcome, or one the report derives from
#: several, such as ``prisoners`` = pre-trial + sentenced) -> language -> name with its unit.
OUTCOME_NAMES: dict[str, dict[str, str]] = {
    "homicide_rate": {
        "es": "Homicidios (por 100.000 al año)",
        "pt": "Homicídios (por 100 mil ao ano)",
        "en": "Homicides (per 100,000 a year)",
    },
    "sellers": {"es": "Vendedores activos", "pt": "Vendedores ativos", "en": "Active sellers"},
    "prisoners": {
        "es": "Presos del barrio",
        "pt": "Presos do bairro",
        "en": "Prisoners from the neighbourhood",
    },
    "prison_occupancy_pct": {
        "es": "Ocupación de la cárcel (%)",
        "pt": "Ocupação do presídio (%)",
        "en": "Prison occupancy (%)",
    },
    "young_recruits_month": {
        "es": "Nuevos vendedores 12-24, por mes",
        "pt": "Novos vendedores 12-24, por mês",
        "en": "New sellers aged 12-24 (a month)",
    },
    "spending_kusd_week": {
        "es": "Gasto (mil USD por semana)",
        "pt": "Gasto (mil USD por semana)",
        "en": "Spending (thousand USD a week)",
    },
    "young_recruits": {
        "es": "Nuevos vendedores 12-24 (por año)",
        "pt": "Novos vendedores 12-24 (por ano)",
        "en": "New sellers aged 12-24 (a year)",
    },
    "recruits": {
        "es": "Nuevos vendedores (por año)",
        "pt": "Novos vendedores (por ano)",
        "en": "New sellers (a year)",
    },
    "arrests": {
        "es": "Detenciones (por año)",
        "pt": "Prisões (por ano)",
        "en": "Arrests (a year)",
    },
    "prisoners_sentenced": {
        "es": "Presos condenados",
        "pt": "Presos condenados",
        "en": "Sentenced prisoners",
    },
    "women_prisoners": {
        "es": "Mujeres presas",
        "pt": "Mulheres presas",
        "en": "Women in prison",
    },
    "children_parent_in_prison": {
        "es": "Niños con un adulto del hogar preso",
        "pt": "Crianças com um adulto da casa preso",
        "en": "Children with an adult of the household in prison",
    },
    "poverty_rate": {"es": "Tasa de pobreza", "pt": "Taxa de pobreza", "en": "Poverty rate"},
    "mean_trust": {
        "es": "Confianza en el Estado (0 a 1)",
        "pt": "Confiança no Estado (0 a 1)",
        "en": "Trust in the state (0 to 1)",
    },
    "police_violence": {
        "es": "Usos de la fuerza por policías o militares (por año)",
        "pt": "Usos da força por policiais ou militares (por ano)",
        "en": "Uses of force by police or soldiers (a year)",
    },
    "enforcement_cost": {
        "es": "Costo de policía y cárcel (USD por año)",
        "pt": "Custo de polícia e prisão (USD por ano)",
        "en": "Policing and prison cost (USD a year)",
    },
    "programme_spending": {
        "es": "Gasto en programas sociales (USD por año)",
        "pt": "Gasto em programas sociais (USD por ano)",
        "en": "Social programme spending (USD a year)",
    },
    "total_cost": {
        "es": "Gasto público total (USD por año)",
        "pt": "Gasto público total (USD por ano)",
        "en": "Total public spending (USD a year)",
    },
}

#: The workshop page's chart titles, by its label key: each panel is named for what it draws.
CHART_TITLES: dict[str, dict[str, str]] = {
    "chart_homicides": OUTCOME_NAMES["homicide_rate"],
    "chart_sellers": OUTCOME_NAMES["sellers"],
    "chart_prisoners": OUTCOME_NAMES["prisoners"],
    "chart_occupancy": OUTCOME_NAMES["prison_occupancy_pct"],
    "chart_young_recruits": OUTCOME_NAMES["young_recruits_month"],
    "chart_spending": OUTCOME_NAMES["spending_kusd_week"],
}


def _country(es: str, pt: str, en: str) -> dict[str, str]:
    return {"es": f"{es} (contexto)", "pt": f"{pt} (contexto)", "en": f"{en} (context)"}


#: Names of the library's scenarios as a room reads them (the file name is shown for others).
SCENARIO_TITLES: dict[str, dict[str, str]] = {
    "baseline": {"es": "Situación actual", "pt": "Situação atual", "en": "Status quo (baseline)"},
    "mano_dura": {"es": "Mano dura", "pt": "Linha dura (mano dura)", "en": "Mano dura (crackdown)"},
    "militarised": {"es": "Militarización", "pt": "Militarização", "en": "Militarised policing"},
    "kingpin": {"es": "Captura de cabecillas", "pt": "Captura de chefes", "en": "Kingpin strategy"},
    "pact": {"es": "Pacto entre grupos", "pt": "Pacto entre facções", "en": "Pact between groups"},
    "hegemony": {"es": "Un grupo hegemónico", "pt": "Uma facção hegemônica", "en": "A hegemonic group"},
    "fortaleza": {"es": "Fortaleza (1:10)", "pt": "Fortaleza (1:10)", "en": "Fortaleza (1:10)"},
    "bogota": {"es": "Bogotá (1:20)", "pt": "Bogotá (1:20)", "en": "Bogota (1:20)"},
    "fortaleza_calibrated": {
        "es": "Fortaleza calibrada (1:10)",
        "pt": "Fortaleza calibrada (1:10)",
        "en": "Fortaleza, calibrated (1:10)",
    },
    "fortaleza_pact": {
        "es": "Fortaleza: el pacto de 2016 y su ruptura",
        "pt": "Fortaleza: o pacto de 2016 e sua ruptura",
        "en": "Fortaleza: the 2016 pact and its collapse",
    },
    "bogota_hot_spots": {
        "es": "Bogotá: patrullaje en puntos calientes (2016)",
        "pt": "Bogotá: patrulhamento em pontos quentes (2016)",
        "en": "Bogota: hot-spot patrols (2016)",
    },
    "hot_spots": {"es": "Puntos calientes", "pt": "Pontos quentes", "en": "Hot-spot policing"},
    "focused_deterrence": {
        "es": "Disuasión focalizada",
        "pt": "Dissuasão focada",
        "en": "Focused deterrence",
    },
    "follow_the_money": {"es": "Seguir el dinero", "pt": "Seguir o dinheiro", "en": "Follow the money"},
    "state_presence": {"es": "Presencia del Estado", "pt": "Presença do Estado", "en": "State presence"},
    "cash_transfer": {
        "es": "Transferencias condicionadas",
        "pt": "Transferências condicionadas",
        "en": "Conditional cash transfer",
    },
    "jobs_for_youth": {"es": "Empleo juvenil", "pt": "Emprego para jovens", "en": "Jobs for youth"},
    "penal_alternatives": {
        "es": "Alternativas a la cárcel",
        "pt": "Alternativas penais",
        "en": "Penal alternatives",
    },
    "women_first": {"es": "Mujeres primero", "pt": "Mulheres primeiro", "en": "Women first"},
    "integrated": {"es": "Estrategia integrada", "pt": "Estratégia integrada", "en": "Integrated strategy"},
    "covid_shock": {"es": "Choque de la pandemia", "pt": "Choque da pandemia", "en": "Pandemic shock"},
    "country_bolivia": _country("Bolivia", "Bolívia", "Bolivia"),
    "country_brazil": _country("Brasil (Fortaleza)", "Brasil (Fortaleza)", "Brazil (Fortaleza)"),
    "country_chile": _country("Chile", "Chile", "Chile"),
    "country_colombia": _country("Colombia (Bogotá)", "Colômbia (Bogotá)", "Colombia (Bogotá)"),
    "country_ecuador": _country("Ecuador", "Equador", "Ecuador"),
    "country_haiti": _country("Haití", "Haiti", "Haiti"),
    "country_mexico": _country("México", "México", "Mexico"),
    "country_peru": _country("Perú", "Peru", "Peru"),
    "country_uruguay": _country("Uruguay", "Uruguai", "Uruguay"),
}


def scenario_title(name: str, language: str) -> str:
    """A scenario's name for the room: its title for a library scenario, else its file name."""
    titles = SCENARIO_TITLES.get(name)
    return titles.get(language, titles["en"]) if titles else name


#: The sexes the model counts outcomes by, as a group of residents is named.
SEX_NAMES: dict[str, dict[str, str]] = {
    "female": {"es": "mujeres", "pt": "mulheres", "en": "women"},
    "male": {"es": "hombres", "pt": "homens", "en": "men"},
}
#: Outcomes counted by sex and age band (``arrests_female_18_24``) named as their total is.
BY_SEX_AND_AGE = ("arrests", "prisoners")


def outcome_name(name: str, language: str) -> str:
    """An outcome's name with its unit, else the results' name with spaces for underscores.

    One counted by sex and age band is its total's name and the group: "Arrests (a year):
    women 18-24".
    """
    names = OUTCOME_NAMES.get(name)
    if names:
        return names.get(language, names["en"])
    prefix, _, group = name.partition("_")
    sex, _, band = group.partition("_")
    if prefix in BY_SEX_AND_AGE and sex in SEX_NAMES and band:
        age = band.replace("_plus", "+").replace("_", "-")
        return f"{outcome_name(prefix, language)}: {SEX_NAMES[sex][language]} {age}"
    return name.replace("_", " ")
