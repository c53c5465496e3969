// SPDX-License-Identifier: MIT
// Every string the page shows, in French (default) and English. `{name}` marks a value filled in
// by t(); functions receive the values and return the text (plurals, agreements). The language
// in use is the page state's.
import { state } from "./state.js";

export const STRINGS = {
  fr: {
    locale: "fr-FR",
    langName: "Français",
    switchTo: "English",
    switchToLabel: "Switch to English",
    pageTitle: "Clean Mobility Planner – carte de {commune}",
    skipToControls: "Aller aux réglages",
    title: "Où installer les prochains équipements\u00a0?",
    communeTitle: "{name} (INSEE {code}) : bornes de recharge, parkings et pôles d'échanges",
    communeLabel: "Commune",
    mapLabel: "Carte de la commune : rues, zones IRIS, équipements et suggestions",
    controlsTitle: "La question posée",
    controlsIntro:
      "Qui habite à portée d'un équipement, en suivant les rues\u00a0? Changez un réglage : la carte se redessine.",
    layerLabel: "Équipement",
    "layer.charging-points": "Bornes de recharge",
    "layer.parking": "Parkings",
    "layer.hubs": "Pôles d'échanges",
    modeLegend: "Déplacement",
    "mode.walk": "À pied",
    "mode.drive": "En voiture",
    distanceLabel: "Distance le long des rues",
    distanceValueText: "{d} mètres",
    powerLabel: "Puissance minimale des bornes",
    powerAny: "Toutes les bornes",
    powerOption: "{p} kW et plus",
    powerHint: "Ne s'applique qu'aux bornes de recharge.",
    summaryTitle: "Couverture",
    legendTitle: "Légende et calques",
    nextTitle: "Où ensuite\u00a0?",
    nextIntro:
      "Demandez où placer les prochains sites : chacun est choisi pour rapprocher le plus de personnes comptées encore hors de portée.",
    countLabel: "Nombre de sites",
    suggestButton: "Suggérer des sites",
    gapsTitle: "Principaux manques",
    gapsIntro: "Là où vivent les personnes comptées hors de portée, du manque le plus peuplé au moins peuplé.",
    aboutTitle: "Méthode et sources",
    sourcesTitle: "Sources des données",
    technicalSummary: "Texte technique renvoyé par l'API (en anglais)",

    // Plans (what-if scenarios)
    scenarioLabel: "Plan (scénario)",
    scenarioNone: "Données actuelles",
    scenarioHint: "Un plan ajoute, modifie ou retire des équipements sans toucher aux données actuelles.",
    scenarioPromoted: "{name} (déjà appliqué)",
    scenarioMissing: "le plan « {id} » est introuvable : la carte montre les données actuelles",
    planTitle: "Ce que change le plan",
    planLead:
      "Avec le plan «\u00a0{name}\u00a0», {after} des personnes comptées vivent à moins de {d} {how} {of}, contre {before} aujourd'hui ({change} {residents}).",
    planLeadSame:
      "Avec le plan «\u00a0{name}\u00a0», la part des personnes comptées à moins de {d} {how} {of} ne change pas : {share}.",
    planNoPopulation:
      "Le plan «\u00a0{name}\u00a0» ne peut pas se mesurer en personnes : la commune n'a pas de population chargée.",
    planGaps: ({ closed, reduced }) => {
      if (closed === 0 && reduced === 0) return "Aucune zone de manque n'est comblée ni réduite.";
      if (closed === 0) {
        return reduced === 1
          ? "Aucune zone de manque n'est entièrement comblée ; 1 est réduite."
          : "Aucune zone de manque n'est entièrement comblée ; {reducedText} sont réduites.";
      }
      const head = closed === 1 ? "1 zone de manque comblée" : "{closedText} zones de manque comblées";
      if (reduced === 0) return `${head}.`;
      return reduced === 1 ? `${head}, 1 autre réduite.` : `${head}, {reducedText} autres réduites.`;
    },
    planAssets:
      "Équipements comptés : {base} aujourd'hui, {scenario} avec le plan (ajouts : {add}, modifications : {change}, retraits : {remove}).",
    planDistances: "Distance médiane jusqu'au plus proche : {before} aujourd'hui, {after} avec le plan.",
    planAllPowers: "La comparaison compte toutes les bornes, quelle que soit leur puissance.",
    planBaseChanged:
      "Les données de la commune ont changé depuis la création de ce plan : les chiffres tiennent compte des données actuelles.",
    planShow: "Voir les équipements du plan sur la carte",
    planNothingDrawn: "Ce plan n'ajoute ni ne modifie d'équipement de ce type.",
    summaryPlan: "Chiffres avec le plan «\u00a0{name}\u00a0»",
    "legend.plannedAdd": "Nouveaux équipements du plan",
    "legend.plannedChange": "Équipements modifiés par le plan",
    "title.planned.add": "{title} — nouveau, prévu par le plan",
    "title.planned.change": "{title} — modifié par le plan",
    "popup.planned.add": "Nouveau dans le plan «\u00a0{name}\u00a0»",
    "popup.planned.change": "Modifié par le plan «\u00a0{name}\u00a0»",
    "popup.planned.pending": "Borne prévue : exploitant et identifiant pas encore connus.",
    plannedPoint: "borne prévue",
    zoneTooltipPlan: "{name} : {share} des {pop} personnes comptées à portée avec le plan, {base} aujourd'hui",

    // Status line
    loading: "Chargement de la carte…",
    updating: "Mise à jour de la couverture…",
    siting: "Recherche des meilleurs sites…",
    ready: "Carte à jour.",
    "problem.network": "Le serveur ne répond pas : vérifiez la connexion, puis réessayez.",
    "problem.400": "La demande est mal formée.",
    "problem.auth": "Cette action demande une autorisation.",
    "problem.404": "Introuvable : la commune, le plan ou l'équipement demandé n'existe pas (ou plus).",
    "problem.409": "Les données ont changé entre-temps : rechargez la page.",
    "problem.413": "La demande est trop volumineuse.",
    "problem.422": "La demande a été refusée : un réglage n'est pas accepté.",
    "problem.422.fields": "La demande a été refusée : valeur non acceptée pour {fields}.",
    "problem.429": "Trop de demandes à la fois : réessayez dans un instant.",
    "problem.503": "Le service est momentanément indisponible : réessayez plus tard.",
    "problem.5xx": "Erreur du serveur ({status}) : réessayez plus tard.",
    "problem.4xx": "La demande a été refusée ({status}).",
    "problem.page": "Erreur dans la page : rechargez-la.",
    "field.count": "le nombre de sites",
    "field.within_m": "la distance",
    "field.layer": "l'équipement",
    "field.mode": "le déplacement",
    "field.min_power_kw": "la puissance minimale",
    "field.power_class": "la puissance minimale",
    "field.scenario": "le plan",
    "field.method": "la méthode de calcul",
    "field.population": "la population",
    "field.commune": "la commune",
    noCommune:
      "Aucune commune n'est chargée. Chargez-en une avec « mobility commune load data/paris-10e/commune.json ».",

    // Legend
    "legend.charging-points": "Bornes de recharge",
    "legend.parking": "Parkings",
    "legend.hubs": "Pôles d'échanges",
    "legend.zones": "Zones IRIS : part des personnes comptées à portée",
    "legend.noPopulation": "aucune personne comptée",
    "legend.serviceAreas": "Rues à portée ({d} m {mode})",
    "legend.gaps": "Manques (personnes comptées hors de portée)",
    "legend.streets": "Rues",
    "legend.boundary": "Limite de la commune",
    "legend.suggestions": "Sites suggérés, numérotés",
    count: "({n})",

    // Phrases built from numbers
    "of.charging-points": "d'une borne",
    "of.charging-points.power": "d'une borne de {p} kW ou plus",
    "of.parking": "d'un parking",
    "of.hubs": "d'un pôle d'échanges",
    "how.walk": "à pied",
    "how.drive": "en voiture",
    residents: ({ n }) => (n < 2 ? "personne comptée" : "personnes comptées"),
    summaryLead: "{share} des personnes comptées vivent à moins de {d} {how} {of}.",
    summaryCounts: "{covered} sur {total} personnes comptées.",
    summaryDistances:
      "Distance médiane jusqu'au plus proche : {p50}. 9 personnes comptées sur 10 en sont à moins de {p90}.",
    summaryUnreachable: "au-delà du réseau",
    shareUnavailable: "non calculable",
    noPopulation:
      "Cette commune n'a pas de population chargée : la carte ne peut dire ni quelle part des personnes est à portée, ni où sont les manques.",
    noPopulationHow:
      "Pour l'ajouter, rechargez la commune avec un fichier de zones et leur population : « mobility commune add {code} … --population zones.geojson --population-field <champ> --replace », ou une entrée « population » dans son manifeste puis « mobility commune load commune.json --replace ».",
    apiSays: "Réponse de l'API :",
    gapsNoPopulation: "Manques inconnus : la commune n'a pas de population chargée (voir « Couverture »).",
    populationWho: "Qui est compté\u00a0:",
    populationQuoted: "la population décrite par sa source, «\u00a0{source}\u00a0»",
    populationUnnamed: "la population du fichier chargé, dont la source ne dit pas qui elle compte",
    populationField: "champ {field}",
    populationFile: "fichier {file}",
    populationTotal: "Total\u00a0: {n} personnes.",
    explain: "Ce site rapprocherait {n} {residents} {of} à moins de {d} {how}.",
    siteTitle: "Site {rank} · {street}",
    unnamedStreet: "rue sans nom",
    siteShares: "Part des personnes comptées à portée : {before} → {after}",
    showOnMap: "Voir le site {rank} sur la carte",
    sitingSummary:
      "Ensemble, ces {k} sites rapprocheraient {n} {residents} : la part à portée passerait de {before} à {after}.",
    sitingMethod:
      "Calcul glouton en {time} s parmi {candidates} carrefours ; cette réponse est au plus à {gap} de la meilleure possible.",
    sitingNone: "Aucun site ne rapproche de personne supplémentaire : toutes les personnes comptées sont déjà à portée.",
    sitingWaitCoverage: "Disponible dès que la couverture est calculée.",
    sitingBusy: "Recherche en cours : patientez jusqu'à sa réponse.",
    sitingNoPopulation: "Indisponible : sans population chargée, aucun site ne peut rapprocher personne.",
    sitingStale: "Les réglages ont changé : demandez de nouvelles suggestions.",
    gapItem: "Manque n°{rank} : {n} {residents} à plus de {d} {how}, sur {area} ha.",
    gapNearest:
      "Les personnes comptées de ce manque les plus proches d'un équipement en sont à {m} {how} par les rues ; les autres en sont plus loin.",
    gapNearestNone: "Aucun équipement n'est joignable par les rues depuis ce manque.",
    showGap: "Voir le manque n°{rank} sur la carte",
    noGaps: "Aucun manque : toutes les personnes comptées sont à portée.",
    zoneTooltip: "{name} : {share} des {pop} personnes comptées à portée",
    zoneTooltipEmpty: "{name} : aucune personne comptée",

    // Method panel (built from the answers' `method`)
    methodQuestion:
      "La carte répond à une question : quelle part des personnes comptées vit à moins de {d} {how} {of}, en suivant les rues\u00a0?",
    methodDemand:
      "Personnes comptées : les {total} personnes des {zones} zones IRIS (champ {field} du fichier {file}) sont réparties sur {points} points placés tous les {spacing} le long des rues de chaque zone, au prorata de la longueur de rue.",
    methodDistance:
      "Distance : du logement à sa rue en ligne droite, puis le long des rues, puis de la rue à l'équipement. À pied, les sens uniques sont ignorés ; en voiture, ils sont respectés. Un point à plus de 250 m de toute rue n'est jamais compté comme desservi.",
    methodNetwork: "Réseau de rues utilisé : {nodes} carrefours et {edges} tronçons orientés.",
    methodSiting:
      "Suggestions : problème de couverture maximale résolu par un algorithme glouton, qui garantit au moins 63 % (1 − 1/e) du meilleur résultat possible. Les équipements existants restent en place.",
    loadedOn: "Commune chargée le {date}.",
    sourceLicence: "licence {licence}",
    sourceFile: "fichier {file}",
    osmAttribution: "© OpenStreetMap contributors",
    otherSources: "autres sources",

    // Popups
    sameSpot: "{n} équipements à cet endroit :",
    pointsHere: "{n} points de charge à cet endroit",
    "popup.power": "Puissance",
    "popup.connectors": "Prises",
    "popup.points": "Points de charge de la station",
    "popup.operator": "Opérateur",
    "popup.access": "Accès",
    "popup.hours": "Horaires",
    "popup.free": "Gratuit",
    "popup.pmr": "Accessibilité PMR",
    "popup.address": "Adresse",
    "popup.kind": "Type",
    "popup.capacity": "Capacité",
    "popup.evReady": "Places équipées pour la recharge",
    "popup.pmrSpaces": "Places PMR",
    "popup.fee": "Payant",
    "popup.placement": "Emplacement",
    "popup.covered": "Couvert",
    "popup.modes": "Modes",
    "popup.lines": "Lignes",
    "popup.id": "Identifiant",
    spaces: ({ count }) => (count < 2 ? "{n} place" : "{n} places"),
    yes: "oui",
    no: "non",
    unknown: "non renseigné",
    "connector.type_2": "Type 2",
    "connector.combo_ccs": "Combo CCS",
    "connector.chademo": "CHAdeMO",
    "connector.ef": "E/F (domestique)",
    "connector.autre": "autre",
    "kind.car": "voitures",
    "kind.bicycle": "vélos",
    "kind.motorcycle": "deux-roues motorisés",
    "parkingTitle": "Parking {kind}",
    "access.public": "public",
    "access.customers": "clients",
    "access.private": "privé",
    "placement.underground": "souterrain",
    "placement.surface": "en surface",
    "placement.street": "sur voirie",
    "placement.multi_storey": "en ouvrage",
    "placement.rooftop": "sur toit",
    "hubMode.rail": "Train",
    "hubMode.rer": "RER",
    "hubMode.metro": "Métro",
    "hubMode.tram": "Tramway",
    "hubMode.bus": "Bus",
    "hubMode.bike_share": "Vélos en libre-service",
    "hubMode.car_share": "Autopartage",
    "title.charging-points": "Borne de recharge : {name}",
    "title.parking": "Parking : {name}",
    "title.hubs": "Pôle d'échanges : {name}",
    "title.suggestion": "Site suggéré n°{rank}",
    unnamed: "sans nom",
  },

  en: {
    locale: "en-GB",
    langName: "English",
    switchTo: "Français",
    switchToLabel: "Passer en français",
    pageTitle: "Clean Mobility Planner – map of {commune}",
    skipToControls: "Skip to the settings",
    title: "Where should the next sites go?",
    communeTitle: "{name} (INSEE {code}): charging points, parking and mobility hubs",
    communeLabel: "Commune",
    mapLabel: "Map of the commune: streets, IRIS zones, assets and suggestions",
    controlsTitle: "The question",
    controlsIntro:
      "Who lives within reach of an asset, along the streets? Change a setting and the map redraws.",
    layerLabel: "Asset",
    "layer.charging-points": "Charging points",
    "layer.parking": "Parking",
    "layer.hubs": "Mobility hubs",
    modeLegend: "Travel",
    "mode.walk": "On foot",
    "mode.drive": "By car",
    distanceLabel: "Distance along the streets",
    distanceValueText: "{d} metres",
    powerLabel: "Minimum charging power",
    powerAny: "All charging points",
    powerOption: "{p} kW or more",
    powerHint: "Applies to charging points only.",
    summaryTitle: "Coverage",
    legendTitle: "Legend and layers",
    nextTitle: "Where next?",
    nextIntro:
      "Ask where the next sites should go: each one is chosen to bring the most people counted not yet within reach.",
    countLabel: "Number of sites",
    suggestButton: "Suggest sites",
    gapsTitle: "Largest gaps",
    gapsIntro: "Where the people counted out of reach live, most populated gap first.",
    aboutTitle: "Method and sources",
    sourcesTitle: "Data sources",
    technicalSummary: "Technical text from the API",

    scenarioLabel: "Plan (scenario)",
    scenarioNone: "Current data",
    scenarioHint: "A plan adds, changes or removes assets without touching the current data.",
    scenarioPromoted: "{name} (already applied)",
    scenarioMissing: "plan “{id}” not found: the map shows the current data",
    planTitle: "What the plan changes",
    planLead:
      "With the plan “{name}”, {after} of the people counted live within {d} {how} of {of}, against {before} today ({change} {residents}).",
    planLeadSame:
      "With the plan “{name}”, the share of the people counted within {d} {how} of {of} does not change: {share}.",
    planNoPopulation:
      "The plan “{name}” cannot be measured in people: the commune has no population loaded.",
    planGaps: ({ closed, reduced }) => {
      if (closed === 0 && reduced === 0) return "No gap is closed or reduced.";
      if (closed === 0) {
        return reduced === 1
          ? "No gap is closed entirely; 1 is reduced."
          : "No gap is closed entirely; {reducedText} are reduced.";
      }
      const head = closed === 1 ? "1 gap closed" : "{closedText} gaps closed";
      if (reduced === 0) return `${head}.`;
      return `${head}, {reducedText} more reduced.`;
    },
    planAssets:
      "Assets counted: {base} today, {scenario} with the plan (added: {add}, changed: {change}, removed: {remove}).",
    planDistances: "Median distance to the nearest one: {before} today, {after} with the plan.",
    planAllPowers: "The comparison counts every charging point, whatever its power.",
    planBaseChanged:
      "The commune's data changed after this plan was made: the figures use the current data.",
    planShow: "Show the plan's assets on the map",
    planNothingDrawn: "This plan adds or changes no asset of this kind.",
    summaryPlan: "Figures with the plan “{name}”",
    "legend.plannedAdd": "New assets in the plan",
    "legend.plannedChange": "Assets changed by the plan",
    "title.planned.add": "{title} — new, planned",
    "title.planned.change": "{title} — changed by the plan",
    "popup.planned.add": "New in the plan “{name}”",
    "popup.planned.change": "Changed by the plan “{name}”",
    "popup.planned.pending": "Planned charging point: operator and identifier not known yet.",
    plannedPoint: "planned charging point",
    zoneTooltipPlan: "{name}: {share} of the {pop} people counted within reach with the plan, {base} today",

    loading: "Loading the map…",
    updating: "Updating the coverage…",
    siting: "Looking for the best sites…",
    ready: "Map up to date.",
    "problem.network": "The server does not answer: check the connection, then try again.",
    "problem.400": "The request is malformed.",
    "problem.auth": "This action needs an authorisation.",
    "problem.404": "Not found: the commune, plan or asset asked for does not exist (any more).",
    "problem.409": "The data changed meanwhile: reload the page.",
    "problem.413": "The request is too large.",
    "problem.422": "The request was refused: a setting is not accepted.",
    "problem.422.fields": "The request was refused: value not accepted for {fields}.",
    "problem.429": "Too many requests at once: try again in a moment.",
    "problem.503": "The service is unavailable for now: try again later.",
    "problem.5xx": "Server error ({status}): try again later.",
    "problem.4xx": "The request was refused ({status}).",
    "problem.page": "Error in the page: reload it.",
    "field.count": "the number of sites",
    "field.within_m": "the distance",
    "field.layer": "the asset",
    "field.mode": "the travel mode",
    "field.min_power_kw": "the minimum power",
    "field.power_class": "the minimum power",
    "field.scenario": "the plan",
    "field.method": "the computation method",
    "field.population": "the population",
    "field.commune": "the commune",
    noCommune:
      "No commune is loaded. Load one with “mobility commune load data/paris-10e/commune.json”.",

    "legend.charging-points": "Charging points",
    "legend.parking": "Parking",
    "legend.hubs": "Mobility hubs",
    "legend.zones": "IRIS zones: share of the people counted within reach",
    "legend.noPopulation": "nobody counted",
    "legend.serviceAreas": "Streets within reach ({d} m {mode})",
    "legend.gaps": "Gaps (people counted out of reach)",
    "legend.streets": "Streets",
    "legend.boundary": "Commune boundary",
    "legend.suggestions": "Suggested sites, numbered",
    count: "({n})",

    "of.charging-points": "a charging point",
    "of.charging-points.power": "a charging point of {p} kW or more",
    "of.parking": "a parking facility",
    "of.hubs": "a mobility hub",
    "how.walk": "on foot",
    "how.drive": "by car",
    residents: ({ n }) => (n === 1 ? "person counted" : "people counted"),
    summaryLead: "{share} of the people counted live within {d} {how} of {of}.",
    summaryCounts: "{covered} of {total} people counted.",
    summaryDistances:
      "Median distance to the nearest one: {p50}. 9 people counted in 10 live within {p90}.",
    summaryUnreachable: "beyond the network",
    shareUnavailable: "not available",
    noPopulation:
      "This commune has no population loaded: the map can say neither what share of people is within reach nor where the gaps are.",
    noPopulationHow:
      "To add it, load the commune again with a file of zones and their population: “mobility commune add {code} … --population zones.geojson --population-field <field> --replace”, or a “population” entry in its manifest, then “mobility commune load commune.json --replace”.",
    apiSays: "The API says:",
    gapsNoPopulation: "Gaps unknown: the commune has no population loaded (see “Coverage”).",
    populationWho: "Who is counted:",
    populationQuoted: "the population its source describes as “{source}”",
    populationUnnamed: "the population of the file loaded, whose source does not say whom it counts",
    populationField: "field {field}",
    populationFile: "file {file}",
    populationTotal: "Total: {n} people.",
    explain: "This site would bring {n} {residents} within {d} {how} of {of}.",
    siteTitle: "Site {rank} · {street}",
    unnamedStreet: "unnamed street",
    siteShares: "Share of the people counted within reach: {before} → {after}",
    showOnMap: "Show site {rank} on the map",
    sitingSummary:
      "Together these {k} sites would bring {n} more {residents} within reach: the share would go from {before} to {after}.",
    sitingMethod:
      "Greedy computation in {time} s among {candidates} street crossings; this answer is at most {gap} below the best possible one.",
    sitingNone: "No site brings anyone more within reach: every person counted is already covered.",
    sitingWaitCoverage: "Available once the coverage is computed.",
    sitingBusy: "A search is running: wait for its answer.",
    sitingNoPopulation: "Not available: without population loaded, no site can bring anyone within reach.",
    sitingStale: "The settings changed: ask for new suggestions.",
    gapItem: "Gap #{rank}: {n} {residents} beyond {d} {how}, over {area} ha.",
    gapNearest:
      "The people counted in this gap who are nearest to an asset are {m} {how} from it along the streets; the others are farther.",
    gapNearestNone: "No asset can be reached along the streets from this gap.",
    showGap: "Show gap #{rank} on the map",
    noGaps: "No gap: every person counted is within reach.",
    zoneTooltip: "{name}: {share} of the {pop} people counted within reach",
    zoneTooltipEmpty: "{name}: nobody counted",

    methodQuestion:
      "The map answers one question: what share of the people counted lives within {d} {how} of {of}, along the streets?",
    methodDemand:
      "People counted: the {total} people of the {zones} IRIS zones (field {field} of {file}) are spread onto {points} points every {spacing} along the streets of each zone, in proportion to street length.",
    methodDistance:
      "Distance: from the home to its street in a straight line, then along the streets, then from the street to the asset. On foot one-way streets are ignored; by car they are respected. A point more than 250 m from every street is never counted as covered.",
    methodNetwork: "Street network used: {nodes} crossings and {edges} directed segments.",
    methodSiting:
      "Suggestions: a maximal covering problem solved by a greedy algorithm, which guarantees at least 63% (1 − 1/e) of the best possible result. Existing assets stay where they are.",
    loadedOn: "Commune loaded on {date}.",
    sourceLicence: "licence {licence}",
    sourceFile: "file {file}",
    osmAttribution: "© OpenStreetMap contributors",
    otherSources: "other sources",

    sameSpot: "{n} assets at this spot:",
    pointsHere: "{n} charging points at this spot",
    // IRVE statique values are French by the national schema; English readers get them translated.
    "irve.Accès libre": "Open access",
    "irve.Accès réservé": "Restricted access",
    "irve.Réservé PMR": "Reserved for disabled drivers",
    "irve.Accessible mais non réservé PMR": "Accessible, not reserved",
    "irve.Non accessible": "Not accessible",
    "irve.Accessibilité inconnue": "Unknown",
    "popup.power": "Power",
    "popup.connectors": "Connectors",
    "popup.points": "Charging points at the station",
    "popup.operator": "Operator",
    "popup.access": "Access",
    "popup.hours": "Opening hours",
    "popup.free": "Free of charge",
    "popup.pmr": "Wheelchair access",
    "popup.address": "Address",
    "popup.kind": "Kind",
    "popup.capacity": "Capacity",
    "popup.evReady": "Spaces equipped for charging",
    "popup.pmrSpaces": "Disabled spaces",
    "popup.fee": "Fee",
    "popup.placement": "Placement",
    "popup.covered": "Covered",
    "popup.modes": "Modes",
    "popup.lines": "Lines",
    "popup.id": "Identifier",
    spaces: ({ count }) => (count === 1 ? "{n} space" : "{n} spaces"),
    yes: "yes",
    no: "no",
    unknown: "unknown",
    "connector.type_2": "Type 2",
    "connector.combo_ccs": "Combo CCS",
    "connector.chademo": "CHAdeMO",
    "connector.ef": "E/F (household)",
    "connector.autre": "other",
    "kind.car": "cars",
    "kind.bicycle": "bicycles",
    "kind.motorcycle": "motorcycles",
    parkingTitle: "Parking for {kind}",
    "access.public": "public",
    "access.customers": "customers",
    "access.private": "private",
    "placement.underground": "underground",
    "placement.surface": "surface",
    "placement.street": "on street",
    "placement.multi_storey": "multi-storey",
    "placement.rooftop": "rooftop",
    "hubMode.rail": "Rail",
    "hubMode.rer": "RER",
    "hubMode.metro": "Metro",
    "hubMode.tram": "Tram",
    "hubMode.bus": "Bus",
    "hubMode.bike_share": "Bike share",
    "hubMode.car_share": "Car share",
    "title.charging-points": "Charging point: {name}",
    "title.parking": "Parking: {name}",
    "title.hubs": "Mobility hub: {name}",
    "title.suggestion": "Suggested site #{rank}",
    unnamed: "unnamed",
  },
};

export const LANGUAGES = Object.keys(STRINGS);

// The language to use for a request (`?lang=` or the toggle): a known one, else French.
export function pickLanguage(lang) {
  return STRINGS[lang] ? lang : "fr";
}

export function locale() {
  return STRINGS[state.lang].locale;
}

// Return the string `key` in the current language with `{name}` filled from `values`.
export function t(key, values = {}) {
  let text = STRINGS[state.lang]?.[key] ?? STRINGS.fr[key];
  if (text === undefined) return key;
  if (typeof text === "function") text = text(values);
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    values[name] === undefined || values[name] === null ? whole : String(values[name]),
  );
}
