"""What each parameter means, in Spanish and Portuguese, for a report's "what each scenario changes".

English says each parameter as the schema writes it (:func:`model.params.parameter_table`:
its meaning and unit, written once beside the parameter). Here are the same in Spanish and
Portuguese, for every lever (a scenario's timeline can change only those) and every other
parameter a library scenario sets, so that a brief in either language names what changed
rather than a dotted path. Values that are words (yes/no, a programme's targeting, a
country) are here too.

A parameter missing here is said with its English meaning, marked as English, rather than
left unsaid; a test checks that every lever and every parameter a library scenario changes
has its words.

The workshop page's help (``app/help.py``) explains what a lever *does*, in the page's own
units (percent, years, thousand dollars a week); these name what a parameter *is*, in the
model's units, as the report shows its values.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from barrio.model.params import parameter_table

__all__ = [
    "MEANINGS",
    "PROGRAMME_FIELDS",
    "PROGRAMME_NAMES",
    "UNITS",
    "VALUES",
    "ParameterWords",
    "parameter_words",
    "value_words",
]

#: The languages written here; English is the schema's.
TRANSLATED = ("es", "pt")

#: Dotted path -> language -> what the parameter is (the unit comes after its values).
MEANINGS: dict[str, dict[str, str]] = {
    "country": {
        "es": "Contexto del país (empleo, salarios y cárceles)",
        "pt": "Contexto do país (emprego, salários e prisões)",
    },
    "timing.warmup_weeks": {
        "es": "Semanas simuladas antes de contar resultados, para que el mercado se asiente",
        "pt": "Semanas simuladas antes de contar os resultados, para o mercado se acomodar",
    },
    "neighbourhood.width": {
        "es": "Ancho de la cuadrícula del barrio (una cuadra, unos 40 m)",
        "pt": "Largura da grade do bairro (uma quadra, cerca de 40 m)",
    },
    "neighbourhood.height": {
        "es": "Alto de la cuadrícula del barrio",
        "pt": "Altura da grade do bairro",
    },
    "neighbourhood.population": {"es": "Habitantes (todas las edades)", "pt": "Moradores (todas as idades)"},
    "neighbourhood.household_size": {"es": "Tamaño medio del hogar", "pt": "Tamanho médio do domicílio"},
    "neighbourhood.state_presence": {
        "es": "Presencia media de servicios del Estado en una cuadra (1 = plena)",
        "pt": "Presença média de serviços do Estado numa quadra (1 = plena)",
    },
    "selling.female_reluctance": {
        "es": "Reticencia de las mujeres a vender, respecto de la de los hombres",
        "pt": "Relutância das mulheres em vender, em relação à dos homens",
    },
    "households.public_time_women": {
        "es": "Tiempo que las mujeres pasan en espacios públicos, respecto de los hombres de su edad",
        "pt": "Tempo que as mulheres passam em espaços públicos, em relação aos homens da mesma idade",
    },
    "groups.count": {"es": "Grupos presentes al inicio", "pt": "Facções presentes no início"},
    "groups.contest_rate": {
        "es": "Frecuencia con que una cuadra disputada tiene un incidente violento",
        "pt": "Frequência com que uma quadra disputada tem um incidente violento",
    },
    "groups.lethality": {
        "es": "Probabilidad de que un incidente violento mate a alguien",
        "pt": "Chance de um incidente violento matar alguém",
    },
    "groups.combatant_share": {
        "es": "Probabilidad de que un muerto en una disputa sea miembro de uno de los dos grupos "
        "(si no, cualquiera en la cuadra)",
        "pt": "Chance de um morto numa disputa ser membro de uma das duas facções (senão, qualquer "
        "pessoa na quadra)",
    },
    "groups.truce": {
        "es": "Pacto entre grupos: cuánto bajan las disputas mientras dura (0: sin pacto)",
        "pt": "Pacto entre facções: quanto caem as disputas enquanto dura (0: sem pacto)",
    },
    "groups.truce_break": {
        "es": "Probabilidad semanal de que el pacto se rompa por sí solo",
        "pt": "Chance semanal de o pacto se romper por si só",
    },
    "groups.merger_rate": {
        "es": "Probabilidad semanal de que un grupo mucho más débil sea absorbido por un vecino más fuerte",
        "pt": "Chance semanal de uma facção muito mais fraca ser absorvida por uma vizinha mais forte",
    },
    "groups.absorb_ratio": {
        "es": "Un grupo puede ser absorbido si su fuerza armada es menor que esta fracción de la de un "
        "grupo vecino",
        "pt": "Uma facção pode ser absorvida se sua força armada for menor que esta fração da de uma vizinha",
    },
    "groups.transfer_predation": {
        "es": "Parte de los beneficios de los programas que un grupo extorsiona a los hogares de sus cuadras",
        "pt": "Parte dos benefícios dos programas que uma facção extorque dos domicílios de suas quadras",
    },
    "policing.units_per_10k": {
        "es": "Patrullas de policía en el barrio",
        "pt": "Viaturas de polícia no bairro",
    },
    "policing.soldiers_per_10k": {
        "es": "Patrullas del ejército en el barrio (militarización)",
        "pt": "Patrulhas do exército no bairro (militarização)",
    },
    "policing.community": {
        "es": "Parte de la policía que hace policía comunitaria (arresta más despacio, construye confianza)",
        "pt": "Parte da polícia em policiamento comunitário (prende mais devagar, constrói confiança)",
    },
    "policing.punitive_intensity": {
        "es": "Probabilidad de que se arreste a un vendedor encontrado por la policía",
        "pt": "Chance de prisão de um vendedor abordado pela polícia",
    },
    "policing.hot_spots": {
        "es": "Parte de las patrullas que cada semana va a los puntos calientes (cuadras con arrestos y "
        "violencia recientes)",
        "pt": "Parte das viaturas que a cada semana vai aos pontos quentes (quadras com prisões e "
        "violência recentes)",
    },
    "policing.focused_deterrence": {
        "es": "Parte de las patrullas en disuasión focalizada, en el territorio de los grupos detrás de "
        "la violencia reciente",
        "pt": "Parte das viaturas em dissuasão focada, no território das facções por trás da violência "
        "recente",
    },
    "policing.kingpin": {
        "es": "Probabilidad semanal de que se capture al jefe de cada grupo",
        "pt": "Chance semanal de prender o chefe de cada facção",
    },
    "policing.leaders_per_year": {
        "es": "Jefes que el Estado puede capturar en un año, primero los de los grupos más notorios",
        "pt": "Chefes que o Estado pode prender em um ano, primeiro os das facções mais notórias",
    },
    "policing.financial": {
        "es": "Investigación financiera: probabilidad semanal de que se rastree y se incaute el dinero de "
        "cada grupo",
        "pt": "Investigação financeira: chance semanal de rastrear e apreender o dinheiro de cada facção",
    },
    "policing.arrest_possession": {
        "es": "Se arresta también a quienes llevan drogas para su consumo",
        "pt": "Quem porta drogas para consumo também é preso",
    },
    "policing.possession_encounter": {
        "es": "Probabilidad de que una patrulla que pasa por una cuadra registre a un residente que está "
        "allí",
        "pt": "Chance de uma viatura que passa por uma quadra revistar um morador que está ali",
    },
    "justice.pretrial_detention": {
        "es": "Probabilidad de que un adulto arrestado espere el juicio en prisión",
        "pt": "Chance de um adulto detido aguardar o julgamento preso",
    },
    "justice.pretrial_weeks": {
        "es": "Tiempo medio en prisión antes del juicio",
        "pt": "Tempo médio preso antes do julgamento",
    },
    "justice.conviction": {
        "es": "Probabilidad de que un juicio (por venta o por posesión) termine en condena a prisión",
        "pt": "Chance de um julgamento (por venda ou por porte) terminar em pena de prisão",
    },
    "justice.sentence_weeks": {
        "es": "Condena media por venta al menudeo",
        "pt": "Pena média por venda no varejo",
    },
    "justice.possession_sentence_weeks": {
        "es": "Condena media por posesión, donde se arresta por ella",
        "pt": "Pena média por porte, onde ele leva à prisão",
    },
    "justice.record_reluctance": {
        "es": "Reticencia a vender de quien tiene antecedentes, respecto de quien no los tiene",
        "pt": "Relutância em vender de quem tem antecedentes, em relação a quem não tem",
    },
    "justice.age_of_responsibility": {
        "es": "Edad desde la que un arrestado puede ser detenido y condenado como adulto",
        "pt": "Idade a partir da qual um detido pode ser preso e condenado como adulto",
    },
    "justice.juvenile_detention": {
        "es": "Probabilidad de que un menor arrestado quede internado (si no, vuelve a su casa)",
        "pt": "Chance de um menor apreendido ser internado (senão, volta para casa)",
    },
}

#: Programme (``programmes.NAME.*``) -> language -> its name: each programme has the same fields,
#: which the schema's meanings tell apart by the path alone ("Weekly budget; ...").
PROGRAMME_NAMES: dict[str, dict[str, str]] = {
    "cash": {"es": "Transferencias a familias", "pt": "Transferências a famílias"},
    "jobs": {"es": "Empleo juvenil", "pt": "Emprego para jovens"},
    "school": {"es": "Permanencia escolar", "pt": "Permanência escolar"},
    "penal": {"es": "Alternativas a la cárcel", "pt": "Alternativas penais"},
    "reentry": {"es": "Reinserción tras la cárcel", "pt": "Reinserção após a prisão"},
    "women": {"es": "Programa para mujeres", "pt": "Programa para mulheres"},
    "presence": {"es": "Presencia del Estado", "pt": "Presença do Estado"},
}

#: A programme's field -> language -> what it is (said after the programme's name).
PROGRAMME_FIELDS: dict[str, dict[str, str]] = {
    "budget_week": {
        "es": "presupuesto semanal (0: el programa no existe)",
        "pt": "orçamento semanal (0: o programa não existe)",
    },
    "capacity": {
        "es": "máximo de inscritos a la vez (0: solo lo limita el presupuesto)",
        "pt": "máximo de inscritos ao mesmo tempo (0: só o orçamento limita)",
    },
    "coverage": {
        "es": "parte de los elegibles a quienes llega el programa",
        "pt": "parte dos elegíveis que o programa alcança",
    },
    "take_up": {
        "es": "parte de los alcanzados que se inscribe",
        "pt": "parte dos alcançados que se inscreve",
    },
    "amount": {"es": "monto pagado a cada inscrito", "pt": "valor pago a cada inscrito"},
    "targeting": {"es": "quiénes pueden recibirlo", "pt": "quem pode receber"},
    "self_employment": {
        "es": "parte de las plazas que son apoyo al trabajo por cuenta propia",
        "pt": "parte das vagas que são apoio ao trabalho por conta própria",
    },
    "min_age": {"es": "edad mínima", "pt": "idade mínima"},
    "max_age": {"es": "edad máxima", "pt": "idade máxima"},
    "boost": {
        "es": "cuánto eleva la presencia del Estado en las cuadras que atiende",
        "pt": "quanto eleva a presença do Estado nas quadras que atende",
    },
}

_SHARE = {"es": ", de 0 a 1", "pt": ", de 0 a 1"}

#: The schema's unit -> language -> how it follows a value (its own space or comma): "5 → 10
#: patrullas por cada 10.000 habitantes", "0,5 → 0,8, de 0 a 1".
UNITS: dict[str, dict[str, str]] = {
    "probability": _SHARE,
    "share": _SHARE,
    "share of units": _SHARE,
    "0-1": _SHARE,
    "per week": _SHARE,
    "per group-week": _SHARE,
    "patrol units per 10,000 residents": {
        "es": " patrullas por cada 10.000 habitantes",
        "pt": " viaturas por 10 mil habitantes",
    },
    "army patrol units per 10,000 residents": {
        "es": " patrullas del ejército por cada 10.000 habitantes",
        "pt": " patrulhas do exército por 10 mil habitantes",
    },
    "weeks": {"es": " semanas", "pt": " semanas"},
    "years": {"es": " años", "pt": " anos"},
    "blocks": {"es": " cuadras", "pt": " quadras"},
    "residents": {"es": " habitantes", "pt": " moradores"},
    "persons": {"es": " personas", "pt": " pessoas"},
    "groups": {"es": " grupos", "pt": " facções"},
    "x": {"es": " veces", "pt": " vezes"},
    "leaders per year": {"es": " jefes por año", "pt": " chefes por ano"},
    "places": {"es": " plazas", "pt": " vagas"},
    "USD per week": {"es": " USD por semana", "pt": " USD por semana"},
    "USD per household-week": {"es": " USD por hogar y semana", "pt": " USD por domicílio por semana"},
    "USD per woman-week": {"es": " USD por mujer y semana", "pt": " USD por mulher por semana"},
    "incidents per week per USD 1,000 at stake per rival": {
        "es": " incidentes por semana por cada 1.000 USD en juego por rival",
        "pt": " incidentes por semana por 1.000 USD em jogo por rival",
    },
}

#: Values that are words -> language -> how they read (yes/no; a programme's targeting; a country).
VALUES: dict[str, dict[str, str]] = {
    "true": {"es": "sí", "pt": "sim"},
    "false": {"es": "no", "pt": "não"},
    "universal": {"es": "todos los hogares", "pt": "todos os domicílios"},
    "means_tested": {"es": "hogares pobres", "pt": "domicílios pobres"},
    "conditional": {
        "es": "hogares pobres con sus hijos en la escuela",
        "pt": "domicílios pobres com os filhos na escola",
    },
    "brazil": {"es": "Brasil", "pt": "Brasil"},
    "colombia": {"es": "Colombia", "pt": "Colômbia"},
    "mexico": {"es": "México", "pt": "México"},
    "ecuador": {"es": "Ecuador", "pt": "Equador"},
    "bolivia": {"es": "Bolivia", "pt": "Bolívia"},
    "peru": {"es": "Perú", "pt": "Peru"},
    "chile": {"es": "Chile", "pt": "Chile"},
    "uruguay": {"es": "Uruguay", "pt": "Uruguai"},
    "haiti": {"es": "Haití", "pt": "Haiti"},
    "fortaleza": {"es": "Fortaleza (ciudad)", "pt": "Fortaleza (cidade)"},
    "bogota": {"es": "Bogotá (ciudad)", "pt": "Bogotá (cidade)"},
}

#: What follows an English meaning said in a report in another language.
_IN_ENGLISH = {"es": " [en inglés]", "pt": " [em inglês]"}


@dataclass(frozen=True)
class ParameterWords:
    """How a report says a parameter.

    Attributes:
        meaning: What it is, in the report's language (English marked as such if there is
            no translation; empty if the schema has no such parameter).
        unit: What follows its values, with its own leading space or comma ("" if none).
        translated: Whether the meaning is in the report's language.
    """

    meaning: str
    unit: str
    translated: bool


@functools.cache
def _schema() -> dict[str, tuple[str, str]]:
    return {row["path"]: (row["meaning"], row["unit"]) for row in parameter_table()}


def _is_unit(unit: str) -> bool:
    # "name", "yes/no" and a list of choices ("universal / means_tested / conditional") say what
    # kind of value it is, which the value itself shows.
    return bool(unit) and unit not in ("name", "yes/no") and " / " not in unit


def _meaning(path: str, language: str) -> str | None:
    if path in MEANINGS:
        return MEANINGS[path].get(language)
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "programmes" and parts[1] in PROGRAMME_NAMES:
        name, field = (
            PROGRAMME_NAMES[parts[1]].get(language),
            PROGRAMME_FIELDS.get(parts[2], {}).get(language),
        )
        if name and field:
            return f"{name}: {field}"
    return None


def parameter_words(path: str, language: str) -> ParameterWords:
    """A parameter's meaning and unit in ``language``, else in English, marked as English.

    Args:
        path: The parameter's dotted path (``policing.units_per_10k``).
        language: ``es``, ``pt`` or ``en``.
    """
    english, unit = _schema().get(path, ("", ""))
    english = english.rstrip(".")
    unit = unit if _is_unit(unit) else ""
    if language not in TRANSLATED:
        return ParameterWords(english, f" {unit}" if unit else "", True)
    meaning = _meaning(path, language)
    words = UNITS.get(unit, {}).get(language, f" {unit}" if unit else "")
    if meaning is not None:
        return ParameterWords(meaning, words, True)
    return ParameterWords(english + _IN_ENGLISH[language] if english else "", words, False)


def value_words(value: Any, language: str) -> str | None:
    """A value that is a word (yes/no, a targeting, a country) as ``language`` reads it, else None."""
    if language not in TRANSLATED:
        return None
    key = str(value).lower() if isinstance(value, bool) else value
    if not isinstance(key, str):
        return None
    return VALUES.get(key, {}).get(language)
