"""What each lever does in the model, and the page's words for its room-facing features.

A room asks "what does this slider do?": each lever's help says, in Spanish, Portuguese and
English, which rule of the model it moves and in what unit. The texts describe the model's
rules (``barrio levers`` lists the same levers with their meaning); they do not restate
numbers the model holds, which the page reads from the running model instead.

The page reads every text through :func:`app.labels.say`, which merges these tables. The batch
report names what each parameter *is*, in the model's units, from
:mod:`experiments.parameter_words` (the batch layer cannot read the page's): a lever whose rule
changes has its words there too.
"""

from __future__ import annotations

__all__ = ["HELP_TEXT", "LEVER_HELP", "PAGE_TEXT"]

#: Lever key (``PAGE_LEVERS[...].key``) -> language -> what the lever does, with its unit.
LEVER_HELP: dict[str, dict[str, str]] = {
    "punitive_intensity": {
        "es": "Cuando una patrulla encuentra a un vendedor, esta es la probabilidad (en %) de que lo "
        "arreste. Más arrestos llenan la cárcel; los grupos reemplazan a los arrestados.",
        "pt": "Quando uma viatura encontra um vendedor, esta é a chance (em %) de prendê-lo. Mais "
        "prisões enchem o presídio; as facções repõem os presos.",
        "en": "When a patrol meets a seller, the chance (in %) that it arrests them. More arrests "
        "fill the prison; groups replace those arrested.",
    },
    "units": {
        "es": "Patrullas de policía que recorren el barrio, por cada 10.000 habitantes. Más patrullas "
        "encuentran más vendedores y cuestan más.",
        "pt": "Viaturas de polícia que circulam no bairro, por 10 mil habitantes. Mais viaturas "
        "encontram mais vendedores e custam mais.",
        "en": "Police patrol units working the neighbourhood, per 10,000 residents. More units meet "
        "more sellers and cost more.",
    },
    "soldiers": {
        "es": "Patrullas del ejército por cada 10.000 habitantes: arrestan con otra probabilidad y usan "
        "más fuerza, lo que puede restar confianza en el Estado.",
        "pt": "Patrulhas do exército por 10 mil habitantes: prendem com outra chance e usam mais "
        "força, o que pode reduzir a confiança no Estado.",
        "en": "Army patrol units per 10,000 residents: they arrest at their own rate and use more "
        "force, which can cost trust in the state.",
    },
    "hot_spots": {
        "es": "Parte de todas las patrullas (en %; también las comunitarias y las militares) que cada "
        "semana va a los puntos calientes (cuadras con "
        "arrestos y violencia recientes) en vez de recorrer el barrio. El resto del barrio queda con "
        "menos patrullas: en el modelo se encuentran y arrestan menos vendedores. Junto con la "
        "disuasión focalizada no puede pasar del 100 %.",
        "pt": "Parte de todas as viaturas (em %; também as comunitárias e as militares) que a cada "
        "semana vai aos pontos quentes (quadras com prisões "
        "e violência recentes) em vez de circular. O resto do bairro fica com menos viaturas: no "
        "modelo, menos vendedores são abordados e presos. Somada à dissuasão focada, no máximo 100 %.",
        "en": "Share of all patrol units (in %; community police and soldiers too) sent each week to "
        "hot spots (blocks of recent arrests and "
        "violence) instead of walking their beat. The rest of the neighbourhood sees fewer patrols: in "
        "the model, fewer sellers are met and arrested. With focused deterrence, at most 100 %.",
    },
    "focused_deterrence": {
        "es": "Parte de todas las patrullas (en %) que trabaja el territorio de los grupos detrás de la "
        "violencia reciente; los grupos saben que la violencia trae esto. Apunta a la violencia, no a "
        "la venta: con menos patrullas en el resto del barrio hay menos arrestos. Junto con los "
        "puntos calientes no puede pasar del 100 %.",
        "pt": "Parte de todas as viaturas (em %) que atua no território das facções por trás da violência "
        "recente; elas sabem que violência traz isso. Mira a violência, não a venda: com menos "
        "viaturas no resto do bairro há menos prisões. Somada aos pontos quentes, no máximo 100 %.",
        "en": "Share of all patrol units (in %) working the territory of the groups behind recent violence; "
        "groups are told that violence brings this. It aims at violence, not selling: with fewer "
        "patrols elsewhere, fewer sellers are arrested. With hot spots, at most 100 %.",
    },
    "community": {
        "es": "Parte de la policía (en %) que hace policía comunitaria: arresta más despacio y "
        "construye confianza en el Estado. Dice qué clase de policía es, no adónde va: una patrulla "
        "comunitaria también puede ir a los puntos calientes, así que ambas palancas pueden estar "
        "en 100 %.",
        "pt": "Parte da polícia (em %) em policiamento comunitário: prende mais devagar e constrói "
        "confiança no Estado. Diz que tipo de polícia é, não aonde vai: uma viatura comunitária "
        "também pode ir aos pontos quentes, então as duas alavancas podem estar em 100 %.",
        "en": "Share of police units (in %) doing community policing: slower to arrest, builds trust "
        "in the state. It says what kind of policing a unit does, not where it goes: a community "
        "unit can be sent to hot spots too, so both levers may be at 100 %.",
    },
    "kingpin": {
        "es": "Probabilidad semanal (en %) de que se capture al jefe de cada grupo. Cuesta desde la "
        "primera semana; un grupo sin jefe puede dividirse o pelear por la sucesión, más adelante.",
        "pt": "Chance semanal (em %) de prender o chefe de cada facção. Custa desde a primeira semana; "
        "uma facção sem chefe pode rachar ou brigar pela sucessão, mais adiante.",
        "en": "Weekly chance (in %) that each group's leader is arrested. It costs from the first week; "
        "a group without a leader may split or fight over succession later.",
    },
    "financial": {
        "es": "Probabilidad semanal (en %) de que se rastree y se incaute el dinero de cada grupo.",
        "pt": "Chance semanal (em %) de rastrear e apreender o dinheiro de cada facção.",
        "en": "Weekly chance (in %) that each group's money is traced and seized.",
    },
    "pretrial": {
        "es": "Probabilidad (en %) de que un adulto arrestado espere el juicio en prisión.",
        "pt": "Chance (em %) de um adulto detido aguardar o julgamento preso.",
        "en": "Chance (in %) that an arrested adult waits for trial in prison.",
    },
    "sentence": {
        "es": "Condena media por venta al menudeo, en años. Condenas largas llenan la cárcel poco a "
        "poco: el efecto se ve después de años.",
        "pt": "Pena média por venda no varejo, em anos. Penas longas enchem o presídio aos poucos: o "
        "efeito aparece depois de anos.",
        "en": "Mean prison sentence for small-scale selling, in years. Long sentences fill the prison "
        "slowly: the effect shows after years.",
    },
    "possession": {
        "es": "Si se arresta también a quienes llevan drogas para su consumo (sí / no).",
        "pt": "Se quem porta drogas para consumo também é preso (sim / não).",
        "en": "Whether users found with drugs are arrested too (yes / no).",
    },
    "cash": {
        "es": "Presupuesto semanal de transferencias a familias pobres, en miles de USD por semana. "
        "Con 0 el programa no existe.",
        "pt": "Orçamento semanal de transferências a famílias pobres, em mil USD por semana. Com 0 o "
        "programa não existe.",
        "en": "Weekly budget of cash transfers to poor families, in thousand USD a week. At 0 the "
        "programme does not run.",
    },
    "cash_amount": {
        "es": "Lo que recibe cada familia inscrita, en USD por semana. Solo cuenta si el programa de "
        "transferencias tiene presupuesto.",
        "pt": "O que cada família inscrita recebe, em USD por semana. Só conta se o programa de "
        "transferências tiver orçamento.",
        "en": "What each enrolled family receives, in USD a week. It counts only while cash transfers "
        "have a budget.",
    },
    "jobs": {
        "es": "Presupuesto semanal, en miles de USD, para empleos subsidiados de jóvenes de 18 a 29 "
        "años sin trabajo. Con 0 el programa no existe.",
        "pt": "Orçamento semanal, em mil USD, para empregos subsidiados de jovens de 18 a 29 anos sem "
        "trabalho. Com 0 o programa não existe.",
        "en": "Weekly budget, in thousand USD, for subsidised jobs for workless 18-29-year-olds. At 0 "
        "the programme does not run.",
    },
    "school": {
        "es": "Presupuesto semanal, en miles de USD, para que adolescentes (12-17) de familias pobres "
        "sigan en la escuela. Con 0 el programa no existe.",
        "pt": "Orçamento semanal, em mil USD, para manter na escola adolescentes (12-17) de famílias "
        "pobres. Com 0 o programa não existe.",
        "en": "Weekly budget, in thousand USD, keeping 12-17-year-olds of poor families in school. At 0 "
        "the programme does not run.",
    },
    "penal": {
        "es": "Presupuesto semanal, en miles de USD, para penas comunitarias o tratamiento en vez de "
        "cárcel para quien delinque por primera vez.",
        "pt": "Orçamento semanal, em mil USD, para penas comunitárias ou tratamento em vez de prisão "
        "para réus primários.",
        "en": "Weekly budget, in thousand USD, for community sentences or treatment instead of prison "
        "for first offenders.",
    },
    "reentry": {
        "es": "Presupuesto semanal, en miles de USD, para empleo de quienes salen de la cárcel. Solo "
        "alcanza a los liberados de cada semana: pocas personas.",
        "pt": "Orçamento semanal, em mil USD, para emprego de quem sai da prisão. Só alcança os "
        "libertados de cada semana: poucas pessoas.",
        "en": "Weekly budget, in thousand USD, for jobs for people leaving prison. It reaches only each "
        "week's releases: few people.",
    },
    "women": {
        "es": "Presupuesto semanal, en miles de USD, para ingreso, cuidado infantil y empleo de madres "
        "de familias pobres.",
        "pt": "Orçamento semanal, em mil USD, para renda, creche e emprego de mães de famílias pobres.",
        "en": "Weekly budget, in thousand USD, for income, childcare and jobs for mothers of poor families.",
    },
    "presence_programme": {
        "es": "Presupuesto semanal, en miles de USD, para servicios del Estado en las cuadras donde "
        "menos hay.",
        "pt": "Orçamento semanal, em mil USD, para serviços do Estado nas quadras onde há menos.",
        "en": "Weekly budget, in thousand USD, for state services on the blocks that have the least.",
    },
    "state_presence": {
        "es": "Presencia media de servicios del Estado en una cuadra (en %; 100 % = plena). Con poca "
        "presencia, los grupos ofrecen su propio orden.",
        "pt": "Presença média de serviços do Estado numa quadra (em %; 100 % = plena). Com pouca "
        "presença, as facções oferecem sua própria ordem.",
        "en": "Mean presence of state services on a block (in %; 100 % = full). Where it is low, "
        "groups offer their own order.",
    },
}

#: The page's words for speed, events, monitors, maps, downloads and refusals: key -> language -> text.
PAGE_TEXT: dict[str, dict[str, str]] = {
    "speed": {"es": "Velocidad", "pt": "Velocidade", "en": "Speed"},
    "speed_unit": {"es": "semanas/s", "pt": "semanas/s", "en": "weeks/s"},
    "speed_max": {"es": "máx.", "pt": "máx.", "en": "max"},
    "levers_toggle": {"es": "Palancas", "pt": "Alavancas", "en": "Levers"},
    "large_text": {"es": "Texto grande", "pt": "Texto grande", "en": "Large text"},
    "help": {"es": "¿Qué hace?", "pt": "O que faz?", "en": "What does it do?"},
    "no_effect": {
        "es": "Sin efecto ahora: {lever} está en 0.",
        "pt": "Sem efeito agora: {lever} está em 0.",
        "en": "No effect now: {lever} is at 0.",
    },
    "programme_week": {
        "es": "Esta semana: gastó {spent} USD, alcanzó a {reached} personas",
        "pt": "Nesta semana: gastou {spent} USD, alcançou {reached} pessoas",
        "en": "This week: spent {spent} USD, reached {reached} people",
    },
    "refused": {
        "es": "{value} {unit} no es posible con las demás palancas como están; ahora es posible de "
        "{low} a {high} {unit}.",
        "pt": "{value} {unit} não é possível com as outras alavancas como estão; agora é possível de "
        "{low} a {high} {unit}.",
        "en": "{value} {unit} is not possible with the other levers as they are; possible now: {low} to "
        "{high} {unit}.",
    },
    "refused_by": {
        "es": "{value} {unit} no es posible con {levers}; ahora es posible de {low} a {high} {unit}.",
        "pt": "{value} {unit} não é possível com {levers}; agora é possível de {low} a {high} {unit}.",
        "en": "{value} {unit} is not possible with {levers}; possible now: {low} to {high} {unit}.",
    },
    "lever_at": {
        "es": "{lever} en {value} {unit}",
        "pt": "{lever} em {value} {unit}",
        "en": "{lever} at {value} {unit}",
    },
    "left_run": {"es": "Izquierda", "pt": "Esquerda", "en": "Left"},
    "right_run": {"es": "Derecha", "pt": "Direita", "en": "Right"},
    "without_changes": {
        "es": "sin cambios de la sala",
        "pt": "sem mudanças da sala",
        "en": "without the room's changes",
    },
    "same_seed": {
        "es": "Las dos simulaciones usan la misma semilla ({seed}): las mismas personas y el mismo azar, "
        "así que sus diferencias vienen de las políticas.",
        "pt": "As duas simulações usam a mesma semente ({seed}): as mesmas pessoas e o mesmo acaso, "
        "então suas diferenças vêm das políticas.",
        "en": "Both runs use the same seed ({seed}): the same people and the same chance events, so "
        "their differences come from the policies.",
    },
    "event_shock": {"es": "choque: {name}", "pt": "choque: {name}", "en": "shock: {name}"},
    "event_shock_end": {"es": "fin: {name}", "pt": "fim: {name}", "en": "end: {name}"},
    "event_scenario": {
        "es": "el escenario cambia {levers}",
        "pt": "o cenário muda {levers}",
        "en": "the scenario changes {levers}",
    },
    "gap": {"es": "diferencia", "pt": "diferença", "en": "gap"},
    "now": {"es": "Ahora", "pt": "Agora", "en": "Now"},
    "year_axis": {"es": "Año {year}", "pt": "Ano {year}", "en": "Year {year}"},
    "download_csv": {"es": "Tabla (CSV)", "pt": "Tabela (CSV)", "en": "Table (CSV)"},
    "download_png": {"es": "Guardar PNG", "pt": "Salvar PNG", "en": "Save PNG"},
    "legend_groups": {"es": "Grupos", "pt": "Facções", "en": "Groups"},
    "legend_group_name": {"es": "grupo {name}", "pt": "facção {name}", "en": "group {name}"},
    "legend_none": {"es": "sin grupo", "pt": "sem facção", "en": "no group"},
    "legend_marks": {"es": "Marcas", "pt": "Marcas", "en": "Marks"},
    "map_alt": {
        "es": "Mapa del barrio, {width} por {height} cuadras, capa «{layer}», semana {week}: {groups} "
        "grupos controlan {held} % de las cuadras; {sellers} vendedores; {patrols} patrullas; "
        "violencia reciente en {violent} cuadras.",
        "pt": "Mapa do bairro, {width} por {height} quadras, camada «{layer}», semana {week}: {groups} "
        "facções controlam {held} % das quadras; {sellers} vendedores; {patrols} viaturas; "
        "violência recente em {violent} quadras.",
        "en": "Map of the neighbourhood, {width} by {height} blocks, layer '{layer}', week {week}: "
        "{groups} groups hold {held} % of blocks; {sellers} sellers; {patrols} patrol units; recent "
        "violence on {violent} blocks.",
    },
    "not_found": {
        "es": "Esta dirección no existe en la página del taller.",
        "pt": "Este endereço não existe na página da oficina.",
        "en": "This address is not part of the workshop page.",
    },
    "go_home": {
        "es": "Ir a la página del taller",
        "pt": "Ir para a página da oficina",
        "en": "Go to the workshop page",
    },
    "restored": {
        "es": "Se retomó la sesión de la dirección (semana {week}).",
        "pt": "A sessão do endereço foi retomada (semana {week}).",
        "en": "The session in the address was restored (week {week}).",
    },
    "unit_homicides": {"es": "por 100.000 al año", "pt": "por 100 mil ao ano", "en": "per 100,000 a year"},
    "unit_people": {"es": "personas", "pt": "pessoas", "en": "people"},
    "unit_percent_short": {"es": "%", "pt": "%", "en": "%"},
    "unit_a_month": {"es": "por mes", "pt": "por mês", "en": "a month"},
}

#: Every text above, as :data:`app.labels.TEXT` holds them (``help_KEY`` for a lever's help).
HELP_TEXT: dict[str, dict[str, str]] = {
    **{f"help_{key}": texts for key, texts in LEVER_HELP.items()},
    **PAGE_TEXT,
}
