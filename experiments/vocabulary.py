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
    "SCENARIO_DESCRIPTIONS",
    "SCENARIO_TITLES",
    "SEX_NAMES",
    "SHOCK_NAMES",
    "outcome_name",
    "scenario_title",
    "shock_name",
    "translated_description",
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


def _in_context(es: str, pt: str, en: str) -> dict[str, str]:
    return {
        "es": f"El barrio de referencia en el contexto de {es}.",
        "pt": f"O bairro de referência no contexto de {pt}.",
        "en": f"Baseline neighbourhood in the {en} context.",
    }


#: What each library scenario does, as its file says it in English (``description:``) and
#: translated. The English must stay the file's words: a file edited since is shown in its own.
SCENARIO_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "baseline": {
        "es": "El barrio tal como es, sin ninguna política nueva.",
        "pt": "O bairro como ele é, sem nenhuma política nova.",
        "en": "The neighbourhood as it is, with no new policy.",
    },
    "bogota": {
        "es": "Bogotá a una vigésima parte de su población, con las cifras de empleo y de homicidios "
        "de la ciudad y las cárceles de Colombia.",
        "pt": "Bogotá a um vigésimo de sua população, com os números de trabalho e de homicídios da "
        "cidade e os presídios da Colômbia.",
        "en": "Bogota at one twentieth of its population, with the city's labour and homicide figures "
        "and Colombia's prisons.",
    },
    "bogota_hot_spots": {
        "es": "Bogotá con la mitad de las patrullas en puntos calientes durante ocho meses (Blattman "
        "et al. 2021), y luego como antes.",
        "pt": "Bogotá com metade das viaturas em pontos quentes durante oito meses (Blattman et al. "
        "2021), e depois como antes.",
        "en": "Bogota with half of the patrols on hot spots for eight months (Blattman et al. 2021), "
        "then back.",
    },
    "cash_transfer": {
        "es": "Transferencia monetaria condicionada a la escuela para los hogares pobres desde la "
        "semana 0; un presupuesto de hasta lo que la mano dura añade al control, gastado solo en los "
        "hogares que cumplen las condiciones.",
        "pt": "Transferência de renda condicionada à escola para os domicílios pobres desde a semana "
        "0; um orçamento de até o que a linha dura acrescenta à repressão, gasto só com os domicílios "
        "que cumprem as condições.",
        "en": "School-conditional cash transfer to poor households from week 0; budget up to about "
        "what mano_dura adds to enforcement, spent only on the households that qualify.",
    },
    "country_bolivia": _in_context("Bolivia", "Bolívia", "Bolivia"),
    "country_brazil": _in_context("Brasil (Fortaleza)", "Brasil (Fortaleza)", "Brazil (Fortaleza)"),
    "country_chile": _in_context("Chile", "Chile", "Chile"),
    "country_colombia": _in_context("Colombia (Bogotá)", "Colômbia (Bogotá)", "Colombia (Bogota)"),
    "country_ecuador": _in_context("Ecuador", "Equador", "Ecuador"),
    "country_haiti": _in_context("Haití", "Haiti", "Haiti"),
    "country_mexico": _in_context("México", "México", "Mexico"),
    "country_peru": _in_context("Perú", "Peru", "Peru"),
    "country_uruguay": _in_context("Uruguay", "Uruguai", "Uruguay"),
    "covid_shock": {
        "es": "Un choque de pandemia de un año desde el año 1: la economía cae un 20 % y la demanda "
        "de drogas sube un 23 %.",
        "pt": "Um choque de pandemia de um ano a partir do ano 1: a economia cai 20 % e a demanda "
        "por drogas sobe 23 %.",
        "en": "A one-year pandemic shock from year 1 - economy down 20%, drug demand up 23%.",
    },
    "focused_deterrence": {
        "es": "Disuasión focalizada desde la semana 0: la mitad de las patrullas trabaja el "
        "territorio de los grupos detrás de la violencia reciente.",
        "pt": "Dissuasão focada desde a semana 0: metade das viaturas atua no território das "
        "facções por trás da violência recente.",
        "en": "Focused deterrence from week 0 - half the patrol units work the territory of the "
        "groups behind recent violence.",
    },
    "follow_the_money": {
        "es": "Investigación financiera desde la semana 0: el dinero de cada grupo se rastrea con "
        "un 5 % de probabilidad por semana, y se incauta la mitad.",
        "pt": "Investigação financeira desde a semana 0: o dinheiro de cada facção é rastreado com "
        "5 % de chance por semana, e metade é apreendida.",
        "en": "Financial investigation from week 0 - each group's money traced with a 5% chance a "
        "week, half seized.",
    },
    "fortaleza": {
        "es": "Fortaleza a una décima parte de su población, con las cifras de empleo, cárcel y "
        "homicidios de la ciudad.",
        "pt": "Fortaleza a um décimo de sua população, com os números de trabalho, prisão e "
        "homicídios da cidade.",
        "en": "Fortaleza at one tenth of its population, with the city's labour, prison and homicide "
        "figures.",
    },
    "fortaleza_calibrated": {
        "es": "Fortaleza a una décima parte, con la mediana de los parámetros ajustados a las cifras "
        "de la ciudad.",
        "pt": "Fortaleza a um décimo, com a mediana dos parâmetros ajustados aos números da cidade.",
        "en": "Fortaleza at one tenth, with the median of the parameters fitted to the city's figures.",
    },
    "fortaleza_pact": {
        "es": "Fortaleza con un pacto entre facciones en el año 1 (2016), roto al comenzar el año 2 (2017).",
        "pt": "Fortaleza com um pacto entre facções no ano 1 (2016), rompido no início do ano 2 (2017).",
        "en": "Fortaleza with a faction pact in year 1 (2016), broken at the start of year 2 (2017).",
    },
    "hegemony": {
        "es": "Los grupos absorben con facilidad a sus vecinos más débiles (las fusiones son más "
        "probables) y quedan menos grupos, dominantes.",
        "pt": "As facções absorvem com facilidade as vizinhas mais fracas (fusões mais prováveis) e "
        "restam menos facções, dominantes.",
        "en": "Groups absorb weaker neighbours readily (mergers likelier), leaving fewer, dominant groups.",
    },
    "hot_spots": {
        "es": "Patrullaje de puntos calientes desde la semana 0: tres cuartas partes de las patrullas "
        "trabajan las cuadras donde hubo arrestos y violencia.",
        "pt": "Policiamento de pontos quentes desde a semana 0: três quartos das viaturas atuam nas "
        "quadras onde houve prisões e violência.",
        "en": "Hot-spot policing from week 0 - three quarters of patrols work the blocks where arrests "
        "and violence were.",
    },
    "integrated": {
        "es": "Control focalizado (disuasión focalizada, puntos calientes, policía comunitaria) con "
        "transferencias, empleo, escuela, alternativas a la cárcel, reinserción, programa para "
        "mujeres y presencia del Estado, a un costo parecido al de la mano dura.",
        "pt": "Repressão focada (dissuasão focada, pontos quentes, policiamento comunitário) com "
        "transferências, emprego, escola, alternativas penais, reinserção, programa para mulheres e "
        "presença do Estado, a um custo próximo ao da linha dura.",
        "en": "Focused enforcement (focused deterrence, hot spots, community policing) with transfers, "
        "jobs, school, penal alternatives, re-entry, women's programme and state presence, at about "
        "mano_dura's cost.",
    },
    "jobs_for_youth": {
        "es": "Programa de empleo desde la semana 0: unos 330 puestos formales subsidiados para "
        "jóvenes desempleados de 18 a 29 años.",
        "pt": "Programa de emprego desde a semana 0: cerca de 330 vagas formais subsidiadas para "
        "jovens desempregados de 18 a 29 anos.",
        "en": "Employment programme from week 0 - about 330 subsidised formal placements for "
        "unemployed 18-29-year-olds.",
    },
    "kingpin": {
        "es": "Captura de cabecillas desde la semana 0: tres jefes removidos por año, primero los de "
        "los grupos más notorios.",
        "pt": "Captura de chefes desde a semana 0: três líderes removidos por ano, primeiro os das "
        "facções mais notórias.",
        "en": "Leadership targeting from week 0 - three leaders a year removed, the most notorious "
        "groups' first.",
    },
    "mano_dura": {
        "es": "Ofensiva desde la semana 0: el doble de patrullas, más arrestos, arresto por posesión "
        "y penas más largas.",
        "pt": "Ofensiva desde a semana 0: o dobro de viaturas, mais prisões, prisão por porte e penas "
        "mais longas.",
        "en": "Crackdown from week 0 - twice the patrols, more arrests, possession arrested, longer "
        "sentences.",
    },
    "militarised": {
        "es": "Patrullas del ejército (5 por cada 10.000 habitantes) junto a la policía desde la semana 0.",
        "pt": "Patrulhas do exército (5 a cada 10 mil habitantes) junto com a polícia desde a semana 0.",
        "en": "Army patrols (5 units per 10,000 residents) alongside the police from week 0.",
    },
    "pact": {
        "es": "Un pacto entre los grupos desde el año 1 (las disputas bajan un 40 %), roto al "
        "comenzar el año 2.",
        "pt": "Um pacto entre as facções a partir do ano 1 (as disputas caem 40 %), rompido no início "
        "do ano 2.",
        "en": "A pact between the groups from year 1 (contests cut by 40%), broken at the start of year 2.",
    },
    "penal_alternatives": {
        "es": "Alternativas a la cárcel desde la semana 0: hasta 400 infractores primarios a la vez "
        "desviados de la prisión.",
        "pt": "Alternativas penais desde a semana 0: até 400 réus primários por vez desviados da prisão.",
        "en": "Penal alternatives from week 0 - up to 400 first offenders at a time diverted from prison.",
    },
    "state_presence": {
        "es": "La presencia del Estado sube 0,3 en cada cuadra desde la semana 0; el control no cambia.",
        "pt": "A presença do Estado sobe 0,3 em cada quadra desde a semana 0; a repressão não muda.",
        "en": "State presence on every block rises by 0.3 from week 0; enforcement unchanged.",
    },
    "women_first": {
        "es": "Programa para mujeres (ingresos, cuidado infantil, empleo) y alternativas a la cárcel "
        "desde la semana 0.",
        "pt": "Programa para mulheres (renda, creche, emprego) e alternativas penais desde a semana 0.",
        "en": "Programme for women (income, childcare, jobs) and penal alternatives from week 0.",
    },
}


def translated_description(name: str, written: str, language: str) -> str | None:
    """A library scenario's description in ``language``, if its file still says ``written``.

    ``written`` is the description the scenario's file gives (in English); a file edited
    since it was translated, or another file of the same name, has no translation (None).
    """
    texts = SCENARIO_DESCRIPTIONS.get(name)
    if not texts or texts["en"] != written:
        return None
    return texts.get(language, texts["en"])


#: Names of the library's shocks (a scenario file's ``shock: name:``) as a room reads them.
SHOCK_NAMES: dict[str, dict[str, str]] = {
    "pandemic": {"es": "pandemia", "pt": "pandemia", "en": "pandemic"},
}


def shock_name(name: str, language: str) -> str:
    """A shock's name for the room: the library's words for it, else the file's own name."""
    names = SHOCK_NAMES.get(name)
    return names.get(language, names["en"]) if names else name


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
