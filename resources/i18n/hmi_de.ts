<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>AlarmsView</name>
    <message>
        <location filename="../../hmi/views/alarms.py" line="55"/>
        <source>Machine alarms</source>
        <translation>Maschinenalarme</translation>
    </message>
    <message>
        <location filename="../../hmi/views/alarms.py" line="58"/>
        <source>Acknowledge</source>
        <translation>Quittieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/alarms.py" line="60"/>
        <source>Acknowledge all</source>
        <translation>Alle quittieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/alarms.py" line="68"/>
        <source>No alarms. The machine reports nothing abnormal.</source>
        <translation>Keine Alarme. Die Maschine meldet nichts Auffälliges.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/alarms.py" line="90"/>
        <source>Tap an alarm first, then Acknowledge.</source>
        <translation>Zuerst einen Alarm antippen, dann Quittieren.</translation>
    </message>
</context>
<context>
    <name>AndonView</name>
    <message>
        <location filename="../../hmi/views/andon.py" line="72"/>
        <source>Call for help (andon)</source>
        <translation>Hilfe rufen (Andon)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="81"/>
        <source>Call %1</source>
        <translation>%1 rufen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="99"/>
        <source>No open calls.</source>
        <translation>Keine offenen Rufe.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="103"/>
        <source>Responder: tap the call, then badge + PIN.</source>
        <translation>Helfer: Ruf antippen, dann Ausweis + PIN.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="108"/>
        <source>Badge</source>
        <translation>Ausweis</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="110"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="121"/>
        <source>Acknowledge</source>
        <translation>Quittieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="124"/>
        <source>Resolve</source>
        <translation>Erledigen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="171"/>
        <source>%1 has been called. The call stays here until someone answers it.</source>
        <translation>%1 wurde gerufen. Der Ruf bleibt hier stehen, bis jemand ihn annimmt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="177"/>
        <source>Tap the call you are answering first.</source>
        <translation>Zuerst den Ruf antippen, den Sie annehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="181"/>
        <source>Enter your badge and PIN to acknowledge the call.</source>
        <translation>Ausweis und PIN eingeben, um den Ruf anzunehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="197"/>
        <source>Enter your badge (and PIN if you did not answer the call) to resolve it.</source>
        <translation>Ausweis eingeben (und PIN, wenn Sie den Ruf nicht angenommen haben), um ihn zu erledigen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="225"/>
        <source>ANDON %1</source>
        <translation>ANDON %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="236"/>
        <source>Line view offline since %1</source>
        <translation>Linienansicht offline seit %1</translation>
    </message>
</context>
<context>
    <name>AuditTrail</name>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="132"/>
        <source>Alarm acknowledged</source>
        <translation>Alarm quittiert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="133"/>
        <source>Breakdown acknowledged</source>
        <translation>Störung quittiert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="134"/>
        <source>PIN set or changed</source>
        <translation>PIN gesetzt oder geändert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="137"/>
        <source>Logged in</source>
        <translation>Angemeldet</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="138"/>
        <source>Login failed</source>
        <translation>Anmeldung fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="139"/>
        <source>Confirmed with badge and PIN</source>
        <translation>Mit Ausweis und PIN bestätigt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="140"/>
        <source>Confirmation with badge and PIN failed</source>
        <translation>Bestätigung mit Ausweis und PIN fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="142"/>
        <source>Badge locked after wrong PINs</source>
        <translation>Ausweis nach falschen PINs gesperrt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="143"/>
        <source>Badge lockout ended early</source>
        <translation>Ausweissperre vorzeitig aufgehoben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="144"/>
        <source>Logged out</source>
        <translation>Abgemeldet</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="145"/>
        <source>Permission refused</source>
        <translation>Berechtigung verweigert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="146"/>
        <source>Left kiosk mode</source>
        <translation>Kioskmodus verlassen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="147"/>
        <source>Leaving kiosk mode refused</source>
        <translation>Verlassen des Kioskmodus verweigert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="148"/>
        <source>Screen locked</source>
        <translation>Bildschirm gesperrt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="149"/>
        <source>Screen unlocked</source>
        <translation>Bildschirm entsperrt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="150"/>
        <source>Old records pruned</source>
        <translation>Alte Aufzeichnungen bereinigt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="151"/>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="152"/>
        <source>Electronic signature</source>
        <translation>Elektronische Unterschrift</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="153"/>
        <source>Signature refused</source>
        <translation>Unterschrift verweigert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="154"/>
        <source>Changing a downtime reason refused</source>
        <translation>Ändern eines Stillstandsgrunds verweigert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="155"/>
        <source>Downtime reason given</source>
        <translation>Stillstandsgrund angegeben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="156"/>
        <source>Downtime reason changed</source>
        <translation>Stillstandsgrund geändert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="157"/>
        <source>Downtime split</source>
        <translation>Stillstand geteilt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="158"/>
        <source>Acknowledged</source>
        <translation>Quittiert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="159"/>
        <source>Repair logged</source>
        <translation>Reparatur erfasst</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="160"/>
        <source>Breakdown closed</source>
        <translation>Störung abgeschlossen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="161"/>
        <source>Andon call raised</source>
        <translation>Andon-Ruf ausgelöst</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="162"/>
        <source>Andon call acknowledged</source>
        <translation>Andon-Ruf angenommen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="163"/>
        <source>Andon call resolved</source>
        <translation>Andon-Ruf erledigt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="164"/>
        <source>Andon call cancelled</source>
        <translation>Andon-Ruf zurückgenommen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="165"/>
        <source>Quality hold placed</source>
        <translation>Qualitätssperre gesetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="166"/>
        <source>Quality hold released</source>
        <translation>Qualitätssperre aufgehoben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="167"/>
        <source>Disposition: scrap</source>
        <translation>Entscheid: Ausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="168"/>
        <source>Disposition: rework</source>
        <translation>Entscheid: Nacharbeit</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="169"/>
        <source>Disposition: use as is</source>
        <translation>Entscheid: verwenden wie besehen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="170"/>
        <source>Disposition: return to supplier</source>
        <translation>Entscheid: zurück an den Lieferanten</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="172"/>
        <source>SPC control limits frozen</source>
        <translation>SPC-Eingriffsgrenzen festgeschrieben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="173"/>
        <source>SPC control limits recalculated</source>
        <translation>SPC-Eingriffsgrenzen neu berechnet</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="174"/>
        <source>Inspection failed</source>
        <translation>Prüfung nicht bestanden</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="175"/>
        <source>Inspection measured again</source>
        <translation>Prüfung erneut gemessen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="176"/>
        <source>Recall report made</source>
        <translation>Rückrufbericht erstellt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="177"/>
        <source>Order started</source>
        <translation>Auftrag gestartet</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="178"/>
        <source>Order paused</source>
        <translation>Auftrag unterbrochen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="179"/>
        <source>Order resumed</source>
        <translation>Auftrag fortgesetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="180"/>
        <source>Order completed</source>
        <translation>Auftrag abgeschlossen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="181"/>
        <source>Order quantities reported</source>
        <translation>Auftragsmengen gemeldet</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="182"/>
        <source>Orders imported</source>
        <translation>Aufträge importiert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="183"/>
        <source>Recipe approved</source>
        <translation>Rezept freigegeben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="184"/>
        <source>Recipe downloaded to the machine</source>
        <translation>Rezept an die Maschine übertragen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="185"/>
        <source>Recipe checked at the machine</source>
        <translation>Rezept an der Maschine geprüft</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="186"/>
        <source>Recipe rolled back</source>
        <translation>Rezept zurückgesetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="187"/>
        <source>Work-instruction step done</source>
        <translation>Arbeitsanweisungsschritt erledigt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="188"/>
        <source>Work-instruction step skipped</source>
        <translation>Arbeitsanweisungsschritt übersprungen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="189"/>
        <source>Work-instruction step refused</source>
        <translation>Arbeitsanweisungsschritt abgelehnt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="190"/>
        <source>Tool life counter reset</source>
        <translation>Standzeitzähler des Werkzeugs zurückgesetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="191"/>
        <source>Material lot loaded</source>
        <translation>Materialcharge geladen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="192"/>
        <source>Material lot changed</source>
        <translation>Materialcharge gewechselt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="193"/>
        <source>Material lot refused</source>
        <translation>Materialcharge abgelehnt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="194"/>
        <source>Material use recovered after a restart</source>
        <translation>Materialverbrauch nach einem Neustart nachgetragen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="196"/>
        <source>Label printed</source>
        <translation>Etikett gedruckt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="197"/>
        <source>Label printed again</source>
        <translation>Etikett erneut gedruckt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="198"/>
        <source>Label print tried again</source>
        <translation>Etikettendruck erneut versucht</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="199"/>
        <source>Label marked as printed</source>
        <translation>Etikett als gedruckt markiert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="200"/>
        <source>Master data imported</source>
        <translation>Stammdaten importiert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="201"/>
        <source>Refused sync row marked resolved</source>
        <translation>Abgelehnte Sync-Zeile als erledigt markiert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="202"/>
        <source>Refused sync row refused again</source>
        <translation>Abgelehnte Sync-Zeile erneut abgelehnt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="204"/>
        <source>Settling a refused sync row refused</source>
        <translation>Bearbeiten einer abgelehnten Sync-Zeile verweigert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="212"/>
        <source>Refused: %1</source>
        <translation>Verweigert: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="276"/>
        <source>machine / system</source>
        <translation>Maschine / System</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="278"/>
        <source>badge %1</source>
        <translation>Ausweis %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="279"/>
        <source>%1 (badge %2)</source>
        <translation>%1 (Ausweis %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="346"/>
        <source>Audit trail intact — no entries yet</source>
        <translation>Audit-Trail intakt — noch keine Einträge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="347"/>
        <source>Every action at this station will be recorded here.</source>
        <translation>Jede Aktion an dieser Station wird hier festgehalten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="350"/>
        <source>Audit trail intact — %1 entries checked, numbering %2..%3 complete</source>
        <translation>Audit-Trail intakt — %1 Einträge geprüft, Nummerierung %2..%3 vollständig</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="352"/>
        <source>Every hash and link verified. Events up to seq %1 were pruned after the central database confirmed them.</source>
        <translation>Alle Hashes und Verkettungen geprüft. Ereignisse bis Seq %1 wurden bereinigt, nachdem die zentrale Datenbank sie bestätigt hatte.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="355"/>
        <source>Every entry matches its hash and links to the one before; no event is missing.</source>
        <translation>Jeder Eintrag passt zu seinem Hash und ist mit dem vorigen verkettet; kein Ereignis fehlt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="364"/>
        <source>AUDIT TRAIL BROKEN at seq %1: %2</source>
        <translation>AUDIT-TRAIL BESCHÄDIGT bei Seq %1: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="366"/>
        <source>AUDIT TRAIL BROKEN: %1</source>
        <translation>AUDIT-TRAIL BESCHÄDIGT: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="368"/>
        <source>Tell the administrator now: `hmi audit verify` lists every problem; the central database&apos;s copy shows what the entries were.</source>
        <translation>Sofort den Administrator informieren: `hmi audit verify` listet jedes Problem auf; die Kopie in der zentralen Datenbank zeigt, wie die Einträge lauteten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="368"/>
        <source>Further problems: %1. </source>
        <translation>Weitere Probleme: %1. </translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="538"/>
        <source>The audit trail could not be read from the station&apos;s store (%1). Try again; if it stays, tell the administrator.</source>
        <translation>Der Audit-Trail konnte nicht aus dem Speicher der Station gelesen werden (%1). Erneut versuchen; wenn es bleibt, den Administrator informieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audittrail.py" line="591"/>
        <source>The audit trail could not be checked (%1). Try again; if it stays, run `hmi audit verify` or tell the administrator.</source>
        <translation>Der Audit-Trail konnte nicht geprüft werden (%1). Erneut versuchen; wenn es bleibt, `hmi audit verify` ausführen oder den Administrator informieren.</translation>
    </message>
</context>
<context>
    <name>AuditTrailPage</name>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="197"/>
        <source>↻ Refresh</source>
        <translation>↻ Aktualisieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="208"/>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="208"/>
        <source>Sign-in &amp;&amp; security</source>
        <translation>Anmeldung &amp;&amp; Sicherheit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="209"/>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="209"/>
        <source>Orders &amp;&amp; recipes</source>
        <translation>Aufträge &amp;&amp; Rezepte</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="210"/>
        <source>Sync &amp;&amp; upkeep</source>
        <translation>Sync &amp;&amp; Wartung</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="219"/>
        <location filename="../../hmi/views/audittrail.py" line="406"/>
        <source>Only this person</source>
        <translation>Nur diese Person</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="237"/>
        <location filename="../../hmi/views/audittrail.py" line="463"/>
        <source>Older…</source>
        <translation>Ältere…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="357"/>
        <source>The audit trail is not shown</source>
        <translation>Der Audit-Trail wird nicht angezeigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="358"/>
        <source>Only people allowed to view the audit trail see it here.</source>
        <translation>Nur Personen, die den Audit-Trail ansehen dürfen, sehen ihn hier.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="361"/>
        <source>Checking the audit trail…</source>
        <translation>Audit-Trail wird geprüft…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="362"/>
        <source>Every entry&apos;s hash and link and the station&apos;s numbering are being checked.</source>
        <translation>Hash und Verkettung jedes Eintrags und die Nummerierung der Station werden geprüft.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="406"/>
        <source>Only %1</source>
        <translation>Nur %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="435"/>
        <source>No entry of this kind among the %1 loaded. Tap Older… to look further back.</source>
        <translation>Kein Eintrag dieser Art unter den %1 geladenen. Auf „Ältere…“ tippen, um weiter zurückzusehen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="437"/>
        <source>No entry of this kind in the audit trail.</source>
        <translation>Kein Eintrag dieser Art im Audit-Trail.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="442"/>
        <source>Loading the audit trail…</source>
        <translation>Audit-Trail wird geladen…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="443"/>
        <source>No audit entries yet.</source>
        <translation>Noch keine Audit-Einträge.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="462"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="470"/>
        <source>%1 of %2 loaded entries · back to %3</source>
        <translation>%1 von %2 geladenen Einträgen · zurück bis %3</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="474"/>
        <source>%1 entries · back to %2</source>
        <translation>%1 Einträge · zurück bis %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="477"/>
        <source>the whole trail</source>
        <translation>der ganze Trail</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="506"/>
        <source>Tap an entry to see everything it recorded.</source>
        <translation>Auf einen Eintrag tippen, um alles zu sehen, was er festhält.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="512"/>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="512"/>
        <source>%1 (station time, %2)</source>
        <translation>%1 (Stationszeit, %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="514"/>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="515"/>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="517"/>
        <source>About</source>
        <translation>Betrifft</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="520"/>
        <source>Detail</source>
        <translation>Einzelheiten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="525"/>
        <source>Hash %1… · %2</source>
        <translation>Hash %1… · %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="531"/>
        <source>CHANGED: its content no longer matches its hash</source>
        <translation>GEÄNDERT: sein Inhalt passt nicht mehr zu seinem Hash</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="534"/>
        <source>LINK BROKEN: it does not link to the entry before it (#%1)</source>
        <translation>VERKETTUNG UNTERBROCHEN: er verweist nicht auf den Eintrag davor (#%1)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="536"/>
        <source>LINK BROKEN: the entries before it are missing</source>
        <translation>VERKETTUNG UNTERBROCHEN: die Einträge davor fehlen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="538"/>
        <source>link OK (the first entry of the trail)</source>
        <translation>Verkettung OK (der erste Eintrag des Trails)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="540"/>
        <source>link OK (the oldest kept; older entries were pruned)</source>
        <translation>Verkettung OK (der älteste erhaltene; ältere Einträge wurden bereinigt)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="541"/>
        <source>link OK</source>
        <translation>Verkettung OK</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="547"/>
        <source>No values were recorded with this entry.</source>
        <translation>Mit diesem Eintrag wurden keine Werte festgehalten.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="556"/>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="556"/>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="556"/>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="579"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../../hmi/views/audittrail.py" line="579"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
</context>
<context>
    <name>Central</name>
    <message>
        <location filename="../../hmi/central/link.py" line="55"/>
        <source>TLS, server certificate and host name verified</source>
        <translation>TLS, Serverzertifikat und Hostname geprüft</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="57"/>
        <source>TLS, server certificate verified (host name not checked)</source>
        <translation>TLS, Serverzertifikat geprüft (Hostname nicht geprüft)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="59"/>
        <source>TLS without server verification (use sslmode=verify-full)</source>
        <translation>TLS ohne Serverprüfung (sslmode=verify-full verwenden)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="61"/>
        <source>NOT encrypted (sslmode=disable)</source>
        <translation>NICHT verschlüsselt (sslmode=disable)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="63"/>
        <source>encrypted only if the server offers it, not verified (sslmode=%1); use sslmode=verify-full</source>
        <translation>nur verschlüsselt, wenn der Server es anbietet, nicht geprüft (sslmode=%1); sslmode=verify-full verwenden</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="66"/>
        <source>, root CA %1</source>
        <translation>, Stamm-CA %1</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="75"/>
        <source>no central database URL given: pass --url postgresql+psycopg://USER@HOST/DATABASE (or set HMI_CENTRAL_URL)</source>
        <translation>keine URL der Zentraldatenbank angegeben: --url postgresql+psycopg://BENUTZER@HOST/DATENBANK übergeben (oder HMI_CENTRAL_URL setzen)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="80"/>
        <source>&apos;%1&apos; is not a database URL; write it as postgresql+psycopg://USER@HOST[:PORT]/DATABASE[?sslmode=verify-full&amp;sslrootcert=CA.pem]</source>
        <translation>&apos;%1&apos; ist keine Datenbank-URL; Schreibweise: postgresql+psycopg://BENUTZER@HOST[:PORT]/DATENBANK[?sslmode=verify-full&amp;sslrootcert=CA.pem]</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="84"/>
        <source>the central database must be PostgreSQL (postgresql+psycopg://…), not &apos;%1&apos;</source>
        <translation>die Zentraldatenbank muss PostgreSQL sein (postgresql+psycopg://…), nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="90"/>
        <source>driver &apos;%1&apos; is not supported for the central database; use postgresql+psycopg://</source>
        <translation>Treiber &apos;%1&apos; wird für die Zentraldatenbank nicht unterstützt; postgresql+psycopg:// verwenden</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="94"/>
        <source>the central URL names no database: add /DATABASE after the host</source>
        <translation>die zentrale URL nennt keine Datenbank: /DATENBANK nach dem Host ergänzen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="98"/>
        <source>unknown sslmode &apos;%1&apos; in the central URL (one of: %2)</source>
        <translation>unbekannter sslmode &apos;%1&apos; in der zentralen URL (erlaubt: %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="121"/>
        <source>cannot load the PostgreSQL driver: %1</source>
        <translation>der PostgreSQL-Treiber lässt sich nicht laden: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="132"/>
        <source>the central database %1 refused the password: check the password in PGPASSWORD or the passfile (~/.pgpass, mode 0600) for this user</source>
        <translation>die Zentraldatenbank %1 hat das Passwort abgelehnt: Passwort in PGPASSWORD oder in der Passwortdatei (~/.pgpass, Modus 0600) für diesen Benutzer prüfen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="135"/>
        <source>the central database %1 wants a password and none was given: put it in a passfile (~/.pgpass or PGPASSFILE, mode 0600) or PGPASSWORD</source>
        <translation>die Zentraldatenbank %1 verlangt ein Passwort, es wurde keines angegeben: in eine Passwortdatei (~/.pgpass oder PGPASSFILE, Modus 0600) oder PGPASSWORD eintragen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="138"/>
        <source>the central database %1 does not let this user in: %2</source>
        <translation>die Zentraldatenbank %1 lässt diesen Benutzer nicht zu: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="140"/>
        <source>the database in %1 does not exist: create it first (createdb) or correct the URL</source>
        <translation>die Datenbank in %1 existiert nicht: zuerst anlegen (createdb) oder die URL korrigieren</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="145"/>
        <source>cannot reach the central database %1: is the server running and the host/port right? (%2)</source>
        <translation>die Zentraldatenbank %1 ist nicht erreichbar: läuft der Server, stimmen Host und Port? (%2)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="148"/>
        <source>the TLS link to the central database %1 failed: %2 (check sslrootcert and that the server&apos;s certificate names the host in the URL)</source>
        <translation>die TLS-Verbindung zur Zentraldatenbank %1 ist fehlgeschlagen: %2 (sslrootcert prüfen und ob das Serverzertifikat den Host aus der URL nennt)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="151"/>
        <source>the central database %1 refused: %2 (use an administrator URL for this)</source>
        <translation>die Zentraldatenbank %1 hat abgelehnt: %2 (dafür eine Administrator-URL verwenden)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/link.py" line="153"/>
        <source>the central database %1 failed: %2</source>
        <translation>die Zentraldatenbank %1 meldet einen Fehler: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="183"/>
        <source>the central database is not initialised: run `hmi central init --url …` first</source>
        <translation>die Zentraldatenbank ist nicht initialisiert: zuerst `hmi central init --url …` ausführen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="189"/>
        <source>the password is too short: use at least %1 characters (a long random one from a password manager)</source>
        <translation>das Passwort ist zu kurz: mindestens %1 Zeichen verwenden (ein langes Zufallspasswort aus einem Passwortmanager)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="192"/>
        <source>the password starts or ends with blanks or holds a line break; remove them</source>
        <translation>das Passwort beginnt oder endet mit Leerzeichen oder enthält einen Zeilenumbruch; bitte entfernen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="215"/>
        <source>&apos;%1&apos; is not a station id: 1-64 letters, digits, &apos;-&apos;, &apos;_&apos; or &apos;.&apos;, starting with a letter or digit</source>
        <translation>&apos;%1&apos; ist keine Stations-ID: 1–64 Buchstaben, Ziffern, &apos;-&apos;, &apos;_&apos; oder &apos;.&apos;, beginnend mit Buchstabe oder Ziffer</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="219"/>
        <source>&apos;%1&apos; cannot be a role name: use lower-case letters, digits and &apos;_&apos; (at most 63), not starting with pg_</source>
        <translation>&apos;%1&apos; kann kein Rollenname sein: Kleinbuchstaben, Ziffern und &apos;_&apos; verwenden (höchstens 63), nicht mit pg_ beginnend</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="227"/>
        <source>station %1 already connects as role %2; remove it first (hmi central role remove %1) or leave --role out</source>
        <translation>Station %1 verbindet sich bereits als Rolle %2; zuerst entfernen (hmi central role remove %1) oder --role weglassen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="233"/>
        <source>role %1 belongs to station %2; choose another --role</source>
        <translation>Rolle %1 gehört zu Station %2; eine andere --role wählen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="245"/>
        <source>a role named %1 already exists and was not made by `hmi central role add`; choose another --role</source>
        <translation>eine Rolle namens %1 existiert bereits und wurde nicht mit `hmi central role add` angelegt; eine andere --role wählen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="275"/>
        <source>station %1 has no role on this central database (hmi central role list shows the stations)</source>
        <translation>Station %1 hat keine Rolle in dieser Zentraldatenbank (hmi central role list zeigt die Stationen)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/roles.py" line="290"/>
        <source>the role %1 of station %2 could not be dropped (%3); nothing was changed, try again</source>
        <translation>die Rolle %1 der Station %2 konnte nicht gelöscht werden (%3); nichts wurde geändert, bitte erneut versuchen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="128"/>
        <source>the central database is not initialised (no schema version): an administrator runs `hmi central init`; events stay queued here</source>
        <translation>die Zentraldatenbank ist nicht initialisiert (keine Schemaversion): ein Administrator führt `hmi central init` aus; die Ereignisse bleiben hier in der Warteschlange</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="131"/>
        <source>station and central schema are both at %1</source>
        <translation>Station und Zentralschema sind beide auf %1</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="139"/>
        <source>central schema %1 is newer than this station&apos;s %2 by additive migrations only: pushing continues (upgrade the station when convenient)</source>
        <translation>das Zentralschema %1 ist nur um additive Migrationen neuer als das dieser Station (%2): das Senden geht weiter (Station bei Gelegenheit aktualisieren)</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="143"/>
        <source>this station&apos;s schema %1 is newer than the central database&apos;s %2: nothing is pushed until an administrator runs `hmi central upgrade` with this version; events stay queued here</source>
        <translation>das Schema dieser Station (%1) ist neuer als das der Zentraldatenbank (%2): es wird nichts gesendet, bis ein Administrator `hmi central upgrade` mit dieser Version ausführt; die Ereignisse bleiben hier in der Warteschlange</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="146"/>
        <source>the central database (schema %1) does not accept a station at schema %2 (accepted: %3): upgrade this station; events stay queued here</source>
        <translation>die Zentraldatenbank (Schema %1) nimmt keine Station mit Schema %2 an (angenommen: %3): diese Station aktualisieren; die Ereignisse bleiben hier in der Warteschlange</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="173"/>
        <source>ahead of</source>
        <translation>vor</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="173"/>
        <source>behind</source>
        <translation>nach</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="174"/>
        <source>this station&apos;s clock is %1 s %2 the central server&apos;s (more than %3 s): event times will be off; set up time synchronisation (NTP) on this station</source>
        <translation>die Uhr dieser Station geht %1 s %2 gegenüber dem Zentralserver (mehr als %3 s): Ereigniszeiten werden falsch sein; Zeitsynchronisation (NTP) auf dieser Station einrichten</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="199"/>
        <location filename="../../hmi/central/schema.py" line="275"/>
        <source>the central database is empty: run `hmi central init` first</source>
        <translation>die Zentraldatenbank ist leer: zuerst `hmi central init` ausführen</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="203"/>
        <source>the central database is at schema %1, which this version of hmi does not know (its newest is %2): use the newer hmi that upgraded it</source>
        <translation>die Zentraldatenbank ist auf Schema %1, das diese hmi-Version nicht kennt (ihr neuestes ist %2): die neuere hmi verwenden, mit der sie aktualisiert wurde</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="211"/>
        <source>migration failed, nothing was changed: %1</source>
        <translation>Migration fehlgeschlagen, nichts wurde geändert: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/central/schema.py" line="276"/>
        <source>the central database is at schema %1, this hmi at %2: run `hmi central upgrade` (with the newer hmi) first</source>
        <translation>die Zentraldatenbank ist auf Schema %1, diese hmi auf %2: zuerst `hmi central upgrade` (mit der neueren hmi) ausführen</translation>
    </message>
</context>
<context>
    <name>ChoiceDialog</name>
    <message>
        <location filename="../../hmi/widgets/choice_dialog.py" line="31"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>CodeDialog</name>
    <message>
        <location filename="../../hmi/views/orders.py" line="113"/>
        <source>Type tool code</source>
        <translation>Werkzeugcode eingeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="115"/>
        <source>Type the code on the tool&apos;s label</source>
        <translation>Den Code vom Werkzeugetikett eingeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="122"/>
        <source>Check code</source>
        <translation>Code prüfen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="125"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>CredentialFields</name>
    <message>
        <location filename="../../hmi/widgets/credentials.py" line="23"/>
        <location filename="../../hmi/widgets/credentials.py" line="29"/>
        <source>Badge</source>
        <translation>Ausweis</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/credentials.py" line="28"/>
        <location filename="../../hmi/widgets/credentials.py" line="31"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
</context>
<context>
    <name>CycleTimeChart</name>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="277"/>
        <source>cycle [s]</source>
        <translation>Zyklus [s]</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="309"/>
        <source>ideal %1 s</source>
        <translation>ideal %1 s</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="78"/>
        <source>Shift KPIs</source>
        <translation>Schichtkennzahlen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="90"/>
        <source>Shift</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="90"/>
        <location filename="../../hmi/views/dashboard.py" line="163"/>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="91"/>
        <location filename="../../hmi/views/dashboard.py" line="165"/>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="91"/>
        <source>7 days</source>
        <translation>7 Tage</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="111"/>
        <source>OEE</source>
        <translation>OEE</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="112"/>
        <source>Availability</source>
        <translation>Verfügbarkeit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="113"/>
        <source>Performance</source>
        <translation>Leistung</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="114"/>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="118"/>
        <source>Good parts</source>
        <translation>Gutteile</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="119"/>
        <source>Scrap rate</source>
        <translation>Ausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="120"/>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="120"/>
        <source>good/h</source>
        <translation>Gut/h</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="121"/>
        <source>MTBF</source>
        <translation>MTBF</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="122"/>
        <source>MTTR</source>
        <translation>MTTR</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="123"/>
        <source>First-pass yield</source>
        <translation>Erstausbeute</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="171"/>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="172"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="182"/>
        <source>KPIs · %1</source>
        <translation>Kennzahlen · %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="183"/>
        <source>%1–%2 · so far %3 h:mm planned production</source>
        <translation>%1–%2 · bisher %3 h:mm geplante Produktion</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="186"/>
        <source>no ideal cycle time</source>
        <translation>keine ideale Zykluszeit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="189"/>
        <source>%1 h:mm unplanned stops</source>
        <translation>%1 h:mm ungeplante Stillstände</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="193"/>
        <source>over 100 %: check the ideal cycle time</source>
        <translation>über 100 %: ideale Zykluszeit prüfen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="195"/>
        <source>ideal %1 s per part</source>
        <translation>ideal %1 s pro Teil</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="199"/>
        <source>%1 scrap</source>
        <translation>%1 Ausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="204"/>
        <source>per hour of run time</source>
        <translation>pro Stunde Laufzeit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="206"/>
        <source>%1 failure(s)</source>
        <translation>%1 Ausfall/Ausfälle</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="220"/>
        <source>no quality module</source>
        <translation>kein Qualitätsmodul</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="229"/>
        <source>nothing inspected yet</source>
        <translation>noch nichts geprüft</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="231"/>
        <source>%1 of %2 inspected</source>
        <translation>%1 von %2 geprüft</translation>
    </message>
    <message>
        <location filename="../../hmi/views/dashboard.py" line="234"/>
        <source> · %1 reworked</source>
        <translation> · %1 nachgearbeitet</translation>
    </message>
</context>
<context>
    <name>DowntimeView</name>
    <message>
        <location filename="../../hmi/views/downtime.py" line="143"/>
        <source>Downtime</source>
        <translation>Stillstand</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="147"/>
        <source>Stops</source>
        <translation>Liste</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="148"/>
        <source>Pareto</source>
        <translation>Pareto</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="166"/>
        <source>No stops in this shift so far.</source>
        <translation>In dieser Schicht bisher keine Stillstände.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="175"/>
        <source>Tap a stop to give its reason.</source>
        <translation>Einen Stillstand antippen, um seinen Grund anzugeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="194"/>
        <source>Split here</source>
        <translation>Hier teilen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="197"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="206"/>
        <source>Split…</source>
        <translation>Teilen…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="208"/>
        <source>Maint. on it</source>
        <translation>IH dran</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="210"/>
        <source>Repair…</source>
        <translation>Reparatur…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="212"/>
        <source>Close stop</source>
        <translation>Stillstand beenden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="228"/>
        <source>This shift</source>
        <translation>Diese Schicht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="228"/>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="229"/>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="278"/>
        <source>%1 micro-stops (%2 in all) are counted as performance loss and need no reason.</source>
        <translation>%1 Kurzstillstände (%2 insgesamt) zählen als Leistungsverlust und brauchen keinen Grund.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="307"/>
        <source>no reason yet</source>
        <translation>noch kein Grund</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="323"/>
        <source>Tap the stop first, then its reason.</source>
        <translation>Zuerst den Stillstand antippen, dann den Grund.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="327"/>
        <source>Saved: %1.</source>
        <translation>Gespeichert: %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="357"/>
        <source>This stop is too short to split.</source>
        <translation>Dieser Stillstand ist zu kurz zum Teilen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="381"/>
        <source>Stop split at %1: give each part its reason.</source>
        <translation>Stillstand bei %1 geteilt: jedem Teil seinen Grund geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="436"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="442"/>
        <source>No reason yet</source>
        <translation>Noch kein Grund</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="445"/>
        <source>%1 stops since %2</source>
        <translation>%1 Stillstände seit %2</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <location filename="../../hmi/widgets/banner.py" line="22"/>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>HeaderBar</name>
    <message>
        <location filename="../../hmi/widgets/header.py" line="48"/>
        <source>CONNECTING</source>
        <translation>VERBINDE</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/header.py" line="63"/>
        <location filename="../../hmi/widgets/header.py" line="111"/>
        <source>No alarms</source>
        <translation>Keine Alarme</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/header.py" line="72"/>
        <source>Nobody logged in</source>
        <translation>Niemand angemeldet</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/header.py" line="105"/>
        <source>⚠ %1 NEW ALARM</source>
        <translation>⚠ %1 NEUER ALARM</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/header.py" line="108"/>
        <source>%1 alarm(s) active</source>
        <translation>%1 Alarm(e) aktiv</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/header.py" line="124"/>
        <source>ANDON %1 waiting</source>
        <translation>ANDON %1 wartet</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/header.py" line="125"/>
        <source>ANDON %1 open</source>
        <translation>ANDON %1 offen</translation>
    </message>
</context>
<context>
    <name>HourlyBars</name>
    <message>
        <location filename="../../hmi/widgets/hourly.py" line="35"/>
        <source>Parts per hour</source>
        <translation>Teile pro Stunde</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/hourly.py" line="58"/>
        <source>ideal %1/h</source>
        <translation>ideal %1/h</translation>
    </message>
</context>
<context>
    <name>InspectionView</name>
    <message>
        <location filename="../../hmi/views/inspection.py" line="55"/>
        <location filename="../../hmi/views/inspection.py" line="164"/>
        <source>Inspections</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="59"/>
        <source>No inspection plan for the running order.</source>
        <translation>Kein Prüfplan für den laufenden Auftrag.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="97"/>
        <source>Clear</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="99"/>
        <source>Save measurement</source>
        <translation>Messwert speichern</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="137"/>
        <source>Gauge %1 accepted.</source>
        <translation>Prüfmittel %1 angenommen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="168"/>
        <source>Inspect · %1</source>
        <translation>Prüfen · %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="175"/>
        <source>not due</source>
        <translation>nicht fällig</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="177"/>
        <source>OVERDUE · %1 suspect parts</source>
        <translation>ÜBERFÄLLIG · %1 verdächtige Teile</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="181"/>
        <source>DUE (%1) until %2</source>
        <translation>FÄLLIG (%1) bis %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="209"/>
        <source>LSL %1   ·   target %2   ·   USL %3</source>
        <translation>UGW %1   ·   Soll %2   ·   OGW %3</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="212"/>
        <source>resolution %1</source>
        <translation>Auflösung %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="215"/>
        <source>Count the defects (or defective parts).</source>
        <translation>Fehler zählen (oder fehlerhafte Teile).</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="218"/>
        <source>Checklist: enter 1 for OK, 0 for not OK.</source>
        <translation>Checkliste: 1 für in Ordnung, 0 für nicht in Ordnung eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="227"/>
        <source>No gauge needed.</source>
        <translation>Kein Prüfmittel nötig.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="230"/>
        <source>Gauge: %1</source>
        <translation>Prüfmittel: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="232"/>
        <source>Scan the %1 you measure with.</source>
        <translation>Prüfmittel (%1) scannen, mit dem Sie messen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="266"/>
        <source>Nothing was stored.</source>
        <translation>Nichts wurde gespeichert.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="274"/>
        <source>PASS · %1 value(s) in spec</source>
        <translation>i.O. · %1 Wert(e) in Toleranz</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="275"/>
        <source>FAIL</source>
        <translation>n.i.O.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/inspection.py" line="277"/>
        <source>SPC: %1</source>
        <translation>SPC: %1</translation>
    </message>
</context>
<context>
    <name>InstructionView</name>
    <message>
        <location filename="../../hmi/views/instructions.py" line="84"/>
        <source>This order has no work instruction.</source>
        <translation>Dieser Auftrag hat keine Arbeitsanweisung.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="140"/>
        <source>Scan the label with the scanner. Nothing needs typing.</source>
        <translation>Das Etikett mit dem Scanner scannen. Nichts muss eingetippt werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="162"/>
        <source>◀  Back</source>
        <translation>◀  Zurück</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="164"/>
        <source>Next  ▶</source>
        <translation>Weiter  ▶</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="168"/>
        <source>Skip step</source>
        <translation>Schritt überspringen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="208"/>
        <source>Finish this step first: it is mandatory.</source>
        <translation>Zuerst diesen Schritt abschließen: er ist Pflicht.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="225"/>
        <source>Finish the open mandatory steps in order first.</source>
        <translation>Zuerst die offenen Pflichtschritte der Reihe nach abschließen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="239"/>
        <source>No work instruction open</source>
        <translation>Keine Arbeitsanweisung geöffnet</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="246"/>
        <source>Start or select an order on the Orders screen.</source>
        <translation>Einen Auftrag auf der Seite Aufträge starten oder auswählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="257"/>
        <source>Step %1 of %2 · %3 done</source>
        <translation>Schritt %1 von %2 · %3 erledigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="265"/>
        <source>mandatory</source>
        <translation>Pflicht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="265"/>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="267"/>
        <source>sign-off</source>
        <translation>Abzeichnung</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="288"/>
        <source>Tools needed: %1</source>
        <translation>Benötigte Werkzeuge: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="293"/>
        <source>A team lead signs this step off.</source>
        <translation>Ein Teamleiter zeichnet diesen Schritt ab.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="296"/>
        <source>Confirm when done.</source>
        <translation>Bestätigen, wenn erledigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="297"/>
        <source>Read, then go on.</source>
        <translation>Lesen, dann weiter.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="298"/>
        <source>Enter the value.</source>
        <translation>Den Wert eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="299"/>
        <source>Enter the text.</source>
        <translation>Den Text eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="300"/>
        <source>Scan to verify.</source>
        <translation>Zur Prüfung scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="301"/>
        <source>Take the reading from the machine.</source>
        <translation>Den Wert von der Maschine übernehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="306"/>
        <location filename="../../hmi/views/instructions.py" line="353"/>
        <source>Allowed: %1</source>
        <translation>Erlaubt: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="311"/>
        <source>Type the code from the label:</source>
        <translation>Den Code vom Etikett eingeben:</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="314"/>
        <source>a part of this order</source>
        <translation>ein Teil dieses Auftrags</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="315"/>
        <source>the tool</source>
        <translation>das Werkzeug</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="316"/>
        <source>Scan %1</source>
        <translation>%1 scannen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="325"/>
        <source>Done by %1 at %2</source>
        <translation>Erledigt von %1 um %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="326"/>
        <source>Skipped by %1 at %2</source>
        <translation>Übersprungen von %1 um %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="349"/>
        <source>Machine now: %1</source>
        <translation>Maschine jetzt: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="351"/>
        <source>(no current value)</source>
        <translation>(kein aktueller Wert)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="358"/>
        <source>Sign off (team lead)</source>
        <translation>Abzeichnen (Teamleiter)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="360"/>
        <source>Check code</source>
        <translation>Code prüfen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="362"/>
        <location filename="../../hmi/views/instructions.py" line="363"/>
        <location filename="../../hmi/views/instructions.py" line="368"/>
        <source>Done  ✓</source>
        <translation>Erledigt  ✓</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="364"/>
        <source>Save value</source>
        <translation>Wert speichern</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="365"/>
        <source>Save text</source>
        <translation>Text speichern</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="366"/>
        <source>Type the code instead</source>
        <translation>Code stattdessen eintippen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="367"/>
        <source>Take reading</source>
        <translation>Wert übernehmen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="407"/>
        <source>Step %1 done.</source>
        <translation>Schritt %1 erledigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="441"/>
        <source>Step %1 “%2” of order %3</source>
        <translation>Schritt %1 „%2“ von Auftrag %3</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="443"/>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../../hmi/widgets/keypad.py" line="37"/>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keypad.py" line="39"/>
        <source>Delete last digit</source>
        <translation>Letzte Ziffer löschen</translation>
    </message>
</context>
<context>
    <name>KioskExitDialog</name>
    <message>
        <location filename="../../hmi/views/kiosk.py" line="142"/>
        <location filename="../../hmi/views/kiosk.py" line="149"/>
        <source>Leave the station application</source>
        <translation>Stationsanwendung verlassen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/kiosk.py" line="151"/>
        <source>Only a person allowed to leave the station application (an administrator) can do this. The station stops recording until it is started again.</source>
        <translation>Nur eine Person, die die Stationsanwendung verlassen darf (ein Administrator), kann das tun. Die Station erfasst nichts mehr, bis sie wieder gestartet wird.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/kiosk.py" line="158"/>
        <source>Scan the badge, then enter the PIN.</source>
        <translation>Ausweis scannen, dann die PIN eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/kiosk.py" line="161"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/kiosk.py" line="162"/>
        <source>Leave</source>
        <translation>Verlassen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/kiosk.py" line="200"/>
        <source>Enter the badge number and the PIN.</source>
        <translation>Ausweisnummer und PIN eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/kiosk.py" line="203"/>
        <source>Checking…</source>
        <translation>Prüfe…</translation>
    </message>
</context>
<context>
    <name>LabelsPanel</name>
    <message>
        <location filename="../../hmi/views/labels.py" line="93"/>
        <source>Lot</source>
        <translation>Charge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="93"/>
        <source>Serial</source>
        <translation>Seriennummer</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="97"/>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="100"/>
        <source>Marked printed by a person</source>
        <translation>Von einer Person als gedruckt markiert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="102"/>
        <source>Printed (the printer confirmed it after the link broke)</source>
        <translation>Gedruckt (der Drucker hat es nach dem Verbindungsabbruch bestätigt)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="104"/>
        <source>Written to %1</source>
        <translation>Geschrieben nach %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="106"/>
        <source>Printed on %1</source>
        <translation>Gedruckt auf %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="110"/>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="114"/>
        <source>NOT CONFIRMED: %1 The printer is asked before anything else is sent.</source>
        <translation>NICHT BESTÄTIGT: %1 Der Drucker wird gefragt, bevor etwas anderes gesendet wird.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="116"/>
        <source>Sending to %1 …</source>
        <translation>Sende an %1 …</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="120"/>
        <source>the label folder</source>
        <translation>den Etikettenordner</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="121"/>
        <source>WAITING for %1 (tried %2×)</source>
        <translation>WARTET auf %1 (%2× versucht)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="123"/>
        <source>Waiting to print · queued %1</source>
        <translation>Wartet auf Druck · eingereiht %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="129"/>
        <source>Labels are written as %1 files</source>
        <translation>Etiketten werden als %1-Dateien geschrieben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="131"/>
        <source>LABEL FOLDER NOT WRITABLE: %1 Labels wait in the queue.</source>
        <translation>ETIKETTENORDNER NICHT BESCHREIBBAR: %1 Die Etiketten warten in der Warteschlange.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="135"/>
        <source>Label printer %1 · not used yet</source>
        <translation>Etikettendrucker %1 · noch nicht benutzt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="137"/>
        <source>Label printer %1 · online</source>
        <translation>Etikettendrucker %1 · online</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="138"/>
        <source>PRINTER AWAY · %1 Labels wait in the queue; production goes on.</source>
        <translation>DRUCKER WEG · %1 Die Etiketten warten in der Warteschlange; die Produktion läuft weiter.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="165"/>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="168"/>
        <source>Mark printed</source>
        <translation>Als gedruckt markieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="215"/>
        <source>Labels</source>
        <translation>Etiketten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="241"/>
        <source>No labels yet. Labels of produced units appear here.</source>
        <translation>Noch keine Etiketten. Etiketten produzierter Einheiten erscheinen hier.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="262"/>
        <source>Scan or type serial / lot</source>
        <translation>Seriennummer / Charge scannen oder eingeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="272"/>
        <source>Hyphen</source>
        <translation>Bindestrich</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="274"/>
        <source>Clear</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="284"/>
        <source>Reprint</source>
        <translation>Nachdrucken</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="285"/>
        <source>Reprint label</source>
        <translation>Etikett nachdrucken</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="319"/>
        <source>This code carries no serial or lot number: %1</source>
        <translation>Dieser Code enthält keine Serien- oder Chargennummer: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="323"/>
        <source>%1 scanned. Press Reprint to print it again.</source>
        <translation>%1 gescannt. Nachdrucken drücken, um es erneut zu drucken.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="352"/>
        <source>Print queue</source>
        <translation>Druckwarteschlange</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="354"/>
        <source>%1 waiting</source>
        <translation>%1 wartend</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="356"/>
        <source>%1 need you</source>
        <translation>%1 brauchen Sie</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="360"/>
        <source>(prefix)</source>
        <translation>(Präfix)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="379"/>
        <source>%1 chosen. Press Reprint to print it again.</source>
        <translation>%1 gewählt. Nachdrucken drücken, um es erneut zu drucken.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="400"/>
        <source>Looking up %1 …</source>
        <translation>Suche %1 …</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="404"/>
        <source>The label is sent again.</source>
        <translation>Das Etikett wird erneut gesendet.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/labels.py" line="408"/>
        <source>Marked as printed; it is not sent again.</source>
        <translation>Als gedruckt markiert; es wird nicht erneut gesendet.</translation>
    </message>
</context>
<context>
    <name>LiveTrend</name>
    <message>
        <location filename="../../hmi/widgets/trend.py" line="432"/>
        <source>Back to live</source>
        <translation>Zurück zu live</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/trend.py" line="533"/>
        <source>STALE since %1 - no data</source>
        <translation>VERALTET seit %1 - keine Daten</translation>
    </message>
</context>
<context>
    <name>LiveView</name>
    <message>
        <location filename="../../hmi/views/live.py" line="59"/>
        <source>Machine state</source>
        <translation>Maschinenzustand</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="60"/>
        <source>Good</source>
        <translation>Gut</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="60"/>
        <location filename="../../hmi/views/live.py" line="61"/>
        <location filename="../../hmi/views/live.py" line="72"/>
        <source>parts</source>
        <translation>Teile</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="61"/>
        <source>Scrap</source>
        <translation>Ausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="62"/>
        <source>Rate (actual / ideal)</source>
        <translation>Takt (ist / ideal)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="62"/>
        <source>/min</source>
        <translation>/min</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="64"/>
        <source>Cycle (last / avg)</source>
        <translation>Zyklus (letzter / Mittel)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="71"/>
        <source>Order · product</source>
        <translation>Auftrag · Produkt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="72"/>
        <source>Remaining of target</source>
        <translation>Rest bis Sollmenge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="73"/>
        <source>Expected end</source>
        <translation>Voraussichtliches Ende</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="98"/>
        <source>Cycle times</source>
        <translation>Zykluszeiten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="196"/>
        <source>waiting for the station database</source>
        <translation>warte auf Datenbank</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="202"/>
        <source>%1 % of ideal</source>
        <translation>%1 % des Idealwerts</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="205"/>
        <source>faster than ideal: check the ideal cycle time</source>
        <translation>schneller als ideal: ideale Zykluszeit prüfen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="207"/>
        <source>no ideal cycle time configured</source>
        <translation>keine ideale Zykluszeit eingestellt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="212"/>
        <source>No order</source>
        <translation>Kein Auftrag</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="213"/>
        <source>shift %1 · counts go to no order</source>
        <translation>Schicht %1 · Zählungen gehen auf keinen Auftrag</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="215"/>
        <source>no order running</source>
        <translation>kein Auftrag aktiv</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="222"/>
        <source>%1 of %2 good</source>
        <translation>%1 von %2 gut</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="226"/>
        <source>no rate yet</source>
        <translation>noch kein Takt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="228"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="228"/>
        <source>target reached</source>
        <translation>Sollmenge erreicht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/live.py" line="233"/>
        <source>at this shift&apos;s actual rate</source>
        <translation>beim Ist-Takt dieser Schicht</translation>
    </message>
</context>
<context>
    <name>LockOverlay</name>
    <message>
        <location filename="../../hmi/views/lock.py" line="55"/>
        <location filename="../../hmi/views/lock.py" line="114"/>
        <source>Locked</source>
        <translation>Bildschirm gesperrt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="58"/>
        <location filename="../../hmi/views/lock.py" line="115"/>
        <source>Scan your badge or enter your PIN to continue.</source>
        <translation>Ausweis scannen oder PIN eingeben, um fortzufahren.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="70"/>
        <source>Other person</source>
        <translation>Andere Person</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="71"/>
        <source>Unlock</source>
        <translation>Entsperren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="107"/>
        <source>Locked — %1</source>
        <translation>Gesperrt — %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="109"/>
        <source>Scan your badge or enter your PIN to continue. Someone else: scan your badge to sign in as well.</source>
        <translation>Ausweis scannen oder PIN eingeben, um fortzufahren. Jemand anderes: Ausweis scannen, um sich ebenfalls anzumelden.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="111"/>
        <source>Scan your badge or enter your PIN to continue. Someone else: scan your badge to take over.</source>
        <translation>Ausweis scannen oder PIN eingeben, um fortzufahren. Jemand anderes: Ausweis scannen, um zu übernehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="122"/>
        <location filename="../../hmi/views/lock.py" line="179"/>
        <location filename="../../hmi/views/lock.py" line="209"/>
        <source>%1: enter your PIN.</source>
        <translation>%1: PIN eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="125"/>
        <source>Enter your badge number.</source>
        <translation>Ausweisnummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="188"/>
        <source>Scan or type your badge number, then your PIN.</source>
        <translation>Ausweis scannen oder Ausweisnummer eingeben, dann die PIN.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="196"/>
        <source>That code is not a badge (%1). The screen is locked: scan your badge to continue.</source>
        <translation>Dieser Code ist kein Ausweis (%1). Der Bildschirm ist gesperrt: Ausweis scannen, um fortzufahren.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="212"/>
        <source>Badge %1: enter the PIN to take over from %2.</source>
        <translation>Ausweis %1: PIN eingeben, um von %2 zu übernehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="214"/>
        <source>Badge %1: enter the PIN to sign in.</source>
        <translation>Ausweis %1: PIN eingeben, um sich anzumelden.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="226"/>
        <source>Scan your badge or type its number first.</source>
        <translation>Zuerst den Ausweis scannen oder seine Nummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="230"/>
        <source>Enter your PIN.</source>
        <translation>PIN eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/lock.py" line="234"/>
        <source>Checking…</source>
        <translation>Prüfe…</translation>
    </message>
</context>
<context>
    <name>LoginView</name>
    <message>
        <location filename="../../hmi/views/login.py" line="41"/>
        <location filename="../../hmi/views/login.py" line="49"/>
        <source>Log in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="43"/>
        <source>Scan or type your badge number, then your PIN.</source>
        <translation>Ausweis scannen oder Ausweisnummer eingeben, dann die PIN.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="51"/>
        <source>Clear</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="92"/>
        <location filename="../../hmi/views/login.py" line="150"/>
        <source>Enter your badge number.</source>
        <translation>Ausweisnummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="105"/>
        <source>That code is not a badge (%1). Scan your badge or type its number.</source>
        <translation>Dieser Code ist kein Ausweis (%1). Ausweis scannen oder seine Nummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="112"/>
        <source>Badge %1 scanned. Now enter your PIN.</source>
        <translation>Ausweis %1 gescannt. Jetzt die PIN eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="119"/>
        <source>Now enter your PIN.</source>
        <translation>Jetzt die PIN eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="126"/>
        <source>Enter your badge number first.</source>
        <translation>Zuerst die Ausweisnummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="130"/>
        <source>Enter your PIN.</source>
        <translation>PIN eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="134"/>
        <source>Checking…</source>
        <translation>Prüfe…</translation>
    </message>
</context>
<context>
    <name>LossWaterfall</name>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="653"/>
        <source>Steps do not add up: %1 h:mm unexplained</source>
        <translation>Die Schritte gehen nicht auf: %1 h:mm ungeklärt</translation>
    </message>
</context>
<context>
    <name>MachinePanel</name>
    <message>
        <location filename="../../hmi/views/login.py" line="174"/>
        <source>Machine now</source>
        <translation>Maschine jetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="176"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="177"/>
        <source>Good</source>
        <translation>Gut</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="177"/>
        <location filename="../../hmi/views/login.py" line="178"/>
        <source>parts</source>
        <translation>Teile</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="178"/>
        <source>Scrap</source>
        <translation>Ausschuss</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../hmi/views/main_window.py" line="73"/>
        <source>%1 – operator station</source>
        <translation>%1 – Bedienstation</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="101"/>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="101"/>
        <source>Orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="102"/>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="102"/>
        <location filename="../../hmi/views/main_window.py" line="447"/>
        <source>Downtime</source>
        <translation>Stillstand</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="103"/>
        <source>Alarms</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="103"/>
        <source>Andon</source>
        <translation>Andon</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="104"/>
        <source>KPIs</source>
        <translation>Kennzahlen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="104"/>
        <source>Handover</source>
        <translation>Übergabe</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="116"/>
        <location filename="../../hmi/views/main_window.py" line="117"/>
        <source>Lock</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="120"/>
        <source>Log out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="291"/>
        <source>Labels and printer</source>
        <translation>Etiketten und Drucker</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="322"/>
        <source>Tool %1 is near its life limit (%2 of %3). Plan maintenance.</source>
        <translation>Werkzeug %1 ist nahe an seiner Standzeitgrenze (%2 von %3). Instandhaltung einplanen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="326"/>
        <source>Tool %1 reached its life limit (%2). No order using it can start or resume until maintenance resets it.</source>
        <translation>Werkzeug %1 hat seine Standzeitgrenze erreicht (%2). Kein Auftrag, der es braucht, kann starten oder fortgesetzt werden, bis die Instandhaltung es zurücksetzt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="366"/>
        <source>Recipe deviation on order %1: %2 is %3, the recipe says %4 ± %5. Set it back at the machine or download the recipe again.</source>
        <translation>Rezeptabweichung bei Auftrag %1: %2 ist %3, das Rezept sagt %4 ± %5. An der Maschine zurückstellen oder das Rezept erneut laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="387"/>
        <source>ON HOLD: %1 — %2 (placed by %3). Parts made now are suspect; a team lead must release the hold.</source>
        <translation>GESPERRT: %1 — %2 (gesetzt von %3). Jetzt gefertigte Teile sind verdächtig; ein Teamleiter muss die Sperre aufheben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="403"/>
        <source>%1 is running low: lot %2 covers %3 more units. Bring the next lot.</source>
        <translation>%1 geht zur Neige: Charge %2 reicht für %3 weitere Einheiten. Nächste Charge bereitstellen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="409"/>
        <source>%1 is EMPTY (lot %2). Units made now have no lot of it; the order cannot start or resume until a new lot is scanned. If the machine stops, the reason is waiting for material.</source>
        <translation>%1 ist LEER (Charge %2). Jetzt gefertigte Einheiten haben keine Charge davon; der Auftrag kann nicht starten oder fortgesetzt werden, bis eine neue Charge gescannt ist. Steht die Maschine, ist der Grund: Warten auf Material.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="417"/>
        <source>The order is on hold.</source>
        <translation>Der Auftrag ist gesperrt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="418"/>
        <source>Measure again now.</source>
        <translation>Jetzt erneut messen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="419"/>
        <source>Quality was called.</source>
        <translation>Die Qualität wurde gerufen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="423"/>
        <source>Quality → SPC charts shows the points.</source>
        <translation>Qualität → SPC-Karten zeigt die Punkte.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="455"/>
        <source>The machine stopped at %1. Why? Tap Downtime and choose the reason.</source>
        <translation>Die Maschine hat um %1 angehalten. Warum? Stillstand antippen und den Grund wählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="465"/>
        <source>Log in to see and acknowledge alarms and andon calls.</source>
        <translation>Anmelden, um Alarme und Andon-Rufe zu sehen und zu quittieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="529"/>
        <source>Nobody logged in</source>
        <translation>Niemand angemeldet</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="531"/>
        <source>Locked</source>
        <translation>Bildschirm gesperrt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="533"/>
        <source>%1 · %2 signed in</source>
        <translation>%1 · %2 angemeldet</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="547"/>
        <source>You were logged out after %1 minutes without a touch.</source>
        <translation>Sie wurden nach %1 Minuten ohne Berührung abgemeldet.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="549"/>
        <source>You were logged out after %1 seconds without a touch.</source>
        <translation>Sie wurden nach %1 Sekunden ohne Berührung abgemeldet.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="568"/>
        <source>Scanned %1, but nothing on this screen expects a scan. Nothing was changed.</source>
        <translation>%1 gescannt, aber nichts auf dieser Seite erwartet einen Scan. Nichts wurde geändert.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/main_window.py" line="652"/>
        <source>This station runs in kiosk mode and cannot be closed here.</source>
        <translation>Diese Station läuft im Kioskmodus und kann hier nicht geschlossen werden.</translation>
    </message>
</context>
<context>
    <name>MaterialsView</name>
    <message>
        <location filename="../../hmi/views/materials.py" line="63"/>
        <location filename="../../hmi/views/materials.py" line="189"/>
        <source>Materials</source>
        <translation>Material</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="65"/>
        <source>Scan the lot label of each material to load it.</source>
        <translation>Das Chargenetikett jedes Materials scannen, um es zu rüsten.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="67"/>
        <source>No order is active: start or select an order.</source>
        <translation>Kein Auftrag aktiv: einen Auftrag starten oder auswählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="76"/>
        <source>Type a lot label</source>
        <translation>Chargenetikett eingeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="78"/>
        <source>Load</source>
        <translation>Rüsten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="81"/>
        <source>Unload</source>
        <translation>Abrüsten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="83"/>
        <source>Labels</source>
        <translation>Etiketten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="94"/>
        <source>Work in progress</source>
        <translation>Umlaufbestand</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="146"/>
        <source>Checking lot %1 …</source>
        <translation>Prüfe Charge %1 …</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="151"/>
        <source> (lot change after unit %1)</source>
        <translation> (Chargenwechsel nach Einheit %1)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="153"/>
        <source>Lot %1 of %2 loaded: %3 %4 left%5.</source>
        <translation>Charge %1 von %2 gerüstet: %3 %4 übrig%5.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="188"/>
        <source>Materials · %1</source>
        <translation>Material · %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="202"/>
        <source>%1 %2 per unit</source>
        <translation>%1 %2 pro Einheit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="204"/>
        <source>not lot-controlled · </source>
        <translation>nicht chargengeführt · </translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="207"/>
        <source>NOT LOADED — scan a lot · </source>
        <translation>NICHT GERÜSTET — Charge scannen · </translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="208"/>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="211"/>
        <source>lot %1 · in use since %2 · %3 %4, used up whole</source>
        <translation>Charge %1 · in Gebrauch seit %2 · %3 %4, ganz verbraucht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="215"/>
        <source>IN USE</source>
        <translation>IN GEBRAUCH</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="216"/>
        <source>lot %1 · %2 %3 left</source>
        <translation>Charge %1 · %2 %3 übrig</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="220"/>
        <source> · expires %1</source>
        <translation> · verfällt %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="222"/>
        <source>%1 units</source>
        <translation>%1 Einheiten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="224"/>
        <source>EMPTY</source>
        <translation>LEER</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="224"/>
        <source>LOW · %1</source>
        <translation>NIEDRIG · %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="230"/>
        <source>No order is active.</source>
        <translation>Kein Auftrag aktiv.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="234"/>
        <source>%1 · %2 %3</source>
        <translation>%1 · %2 %3</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="236"/>
        <source>Made %1 of %2 · good %3 · scrap %4</source>
        <translation>Gefertigt %1 von %2 · gut %3 · Ausschuss %4</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="242"/>
        <source>Suspect (on hold): %1</source>
        <translation>Verdächtig (gesperrt): %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="243"/>
        <source>Units recorded with their lots: %1</source>
        <translation>Einheiten mit ihren Chargen erfasst: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="255"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="256"/>
        <source>running low, prepare the next lot</source>
        <translation>geht zur Neige, nächste Charge bereitstellen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="257"/>
        <source>EMPTY — units are made without it</source>
        <translation>LEER — Einheiten werden ohne es gefertigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="258"/>
        <source>not loaded</source>
        <translation>nicht gerüstet</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="259"/>
        <source>Attention:</source>
        <translation>Achtung:</translation>
    </message>
    <message>
        <location filename="../../hmi/views/materials.py" line="259"/>
        <source>Waiting for:</source>
        <translation>Warte auf:</translation>
    </message>
</context>
<context>
    <name>MediaView</name>
    <message>
        <location filename="../../hmi/widgets/media.py" line="77"/>
        <source>Picture not available: %1</source>
        <translation>Bild nicht verfügbar: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/media.py" line="90"/>
        <source>Picture</source>
        <translation>Bild</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/media.py" line="98"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>NumericKeypad</name>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="397"/>
        <source>Delete the digit before the cursor</source>
        <translation>Ziffer vor dem Cursor löschen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="398"/>
        <source>Change the sign</source>
        <translation>Vorzeichen wechseln</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="399"/>
        <source>Hide ▾</source>
        <translation>Ausblenden ▾</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="399"/>
        <source>Hide the keypad</source>
        <translation>Ziffernblock ausblenden</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="400"/>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="400"/>
        <source>Enter: finish this field</source>
        <translation>Enter: dieses Feld abschließen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="422"/>
        <source>Decimal separator</source>
        <translation>Dezimaltrennzeichen</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="274"/>
        <source>Shift: next letter upper case</source>
        <translation>Umschalt: nächster Buchstabe groß</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="275"/>
        <source>Caps</source>
        <translation>Feststell</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="275"/>
        <source>Caps lock: all letters upper case</source>
        <translation>Feststelltaste: alle Buchstaben groß</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="276"/>
        <source>Delete the character before the cursor</source>
        <translation>Zeichen vor dem Cursor löschen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="277"/>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="277"/>
        <source>Enter: finish this field</source>
        <translation>Enter: dieses Feld abschließen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="278"/>
        <source>Space</source>
        <translation>Leerzeichen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="279"/>
        <source>Numbers and symbols</source>
        <translation>Zahlen und Symbole</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="279"/>
        <source>?123</source>
        <translation>?123</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="280"/>
        <source>Letters</source>
        <translation>Buchstaben</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="280"/>
        <source>ABC</source>
        <translation>ABC</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="281"/>
        <source>Hide ▾</source>
        <translation>Ausblenden ▾</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/keyboard.py" line="281"/>
        <source>Hide the keyboard</source>
        <translation>Tastatur ausblenden</translation>
    </message>
</context>
<context>
    <name>OrdersErp</name>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="142"/>
        <source>unexpected element &apos;%1&apos; (expected here: %2)</source>
        <translation>unerwartetes Element &apos;%1&apos; (hier erwartet: %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="143"/>
        <source>unexpected element &apos;%1&apos; (nothing more is allowed here)</source>
        <translation>unerwartetes Element &apos;%1&apos; (hier ist nichts mehr erlaubt)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="145"/>
        <source>missing child element (expected: %1)</source>
        <translation>Kindelement fehlt (erwartet: %1)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="147"/>
        <source>attribute &apos;%1&apos; is not allowed here</source>
        <translation>Attribut &apos;%1&apos; ist hier nicht erlaubt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="152"/>
        <location filename="../../hmi/services/erp/model.py" line="187"/>
        <source>&apos;%1&apos; is not a date and time: use ISO 8601 with offset, e.g. 2026-03-02T14:00:00+01:00</source>
        <translation>&apos;%1&apos; ist kein Datum mit Uhrzeit: ISO 8601 mit Zeitzonenversatz verwenden, z. B. 2026-03-02T14:00:00+01:00</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="155"/>
        <source>&apos;%1&apos; is not a whole number</source>
        <translation>&apos;%1&apos; ist keine ganze Zahl</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="156"/>
        <source>&apos;%1&apos; is not a valid %2</source>
        <translation>&apos;%1&apos; ist kein gültiger Wert vom Typ %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="160"/>
        <source>&apos;%1&apos; is not one of: %2</source>
        <translation>&apos;%1&apos; ist keiner von: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="162"/>
        <source>text is not allowed here, only child elements</source>
        <translation>Text ist hier nicht erlaubt, nur Kindelemente</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="164"/>
        <source>&apos;%1&apos; is not a B2MML V0600 document element this station reads</source>
        <translation>&apos;%1&apos; ist kein B2MML-V0600-Dokumentelement, das diese Station liest</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="216"/>
        <source>the order number is empty</source>
        <translation>die Auftragsnummer ist leer</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="223"/>
        <source>duplicate order &apos;%1&apos; (also %2, line %3)</source>
        <translation>doppelter Auftrag &apos;%1&apos; (auch %2, Zeile %3)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="233"/>
        <source>OperationsType &apos;%1&apos;: only Production requests are imported as orders</source>
        <translation>OperationsType &apos;%1&apos;: nur Production-Anforderungen werden als Aufträge importiert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="247"/>
        <source>starts after it ends (EndTime %1)</source>
        <translation>beginnt nach seinem Ende (EndTime %1)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="272"/>
        <source>produces %1 %2 %3, but %4 (line %5) says %6 %7 %8: every segment of an order makes the order&apos;s product and quantity</source>
        <translation>erzeugt %1 %2 %3, aber %4 (Zeile %5) sagt %6 %7 %8: jedes Segment eines Auftrags erzeugt das Produkt und die Menge des Auftrags</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="284"/>
        <source>order %1 names no %2: the order needs the product and quantity it makes</source>
        <translation>Auftrag %1 nennt kein %2: der Auftrag braucht das Produkt und die Menge, die er erzeugt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="313"/>
        <source>the produced material needs a Quantity</source>
        <translation>das erzeugte Material braucht eine Quantity</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="325"/>
        <location filename="../../hmi/services/erp/csvfmt.py" line="118"/>
        <source>is too long (at most 16 characters)</source>
        <translation>ist zu lang (höchstens 16 Zeichen)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="340"/>
        <source>operation %1 of order %2 is listed twice (also line %3)</source>
        <translation>Arbeitsgang %1 von Auftrag %2 steht zweimal in der Liste (auch Zeile %3)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="346"/>
        <source>the operation needs a name: give a Description or a ProcessSegmentID</source>
        <translation>der Arbeitsgang braucht einen Namen: eine Description oder eine ProcessSegmentID angeben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="350"/>
        <source>the operation name is too long (at most 200 characters)</source>
        <translation>der Name des Arbeitsgangs ist zu lang (höchstens 200 Zeichen)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="364"/>
        <source>unknown parameter &apos;%1&apos; (this station reads: %2)</source>
        <translation>unbekannter Parameter &apos;%1&apos; (diese Station liest: %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="374"/>
        <source>parameter %1 is given twice</source>
        <translation>Parameter %1 ist doppelt angegeben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="396"/>
        <source>unknown EquipmentLevel &apos;%1&apos;: use ProductionLine or WorkCell, or leave it out</source>
        <translation>unbekannter EquipmentLevel &apos;%1&apos;: ProductionLine oder WorkCell verwenden oder weglassen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="401"/>
        <location filename="../../hmi/services/erp/importer.py" line="219"/>
        <source>the operation names two %1s (&apos;%2&apos; and &apos;%3&apos;); it runs at one</source>
        <translation>der Arbeitsgang nennt zwei %1 (&apos;%2&apos; und &apos;%3&apos;); er läuft an einem</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="418"/>
        <source>XML syntax error: %1</source>
        <translation>XML-Syntaxfehler: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="423"/>
        <source>namespace &apos;%1&apos; is not B2MML V0600: this station reads xmlns=&quot;%2&quot;</source>
        <translation>Namensraum &apos;%1&apos; ist nicht B2MML V0600: diese Station liest xmlns=&quot;%2&quot;</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="426"/>
        <source>root element &apos;%1&apos; is not a B2MML V0600 order schedule (expected one of %2 in namespace %3)</source>
        <translation>Wurzelelement &apos;%1&apos; ist kein B2MML-V0600-Auftragsplan (erwartet eines von %2 im Namensraum %3)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="431"/>
        <source>this is a %1 (production results), not an order schedule; import one of %2</source>
        <translation>dies ist ein %1 (Produktionsergebnisse), kein Auftragsplan; eines von %2 importieren</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/b2mml.py" line="434"/>
        <source>root element &apos;%1&apos; is not an order schedule (expected one of %2)</source>
        <translation>Wurzelelement &apos;%1&apos; ist kein Auftragsplan (erwartet eines von %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="66"/>
        <source>CSV syntax error: %1</source>
        <translation>CSV-Syntaxfehler: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="69"/>
        <source>the file is empty; the first row must be the header (%1)</source>
        <translation>die Datei ist leer; die erste Zeile muss die Kopfzeile sein (%1)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="76"/>
        <source>unknown column (known columns: %1)</source>
        <translation>unbekannte Spalte (bekannte Spalten: %1)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="78"/>
        <source>column appears twice in the header</source>
        <translation>Spalte steht zweimal in der Kopfzeile</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="81"/>
        <source>required column is missing from the header</source>
        <translation>Pflichtspalte fehlt in der Kopfzeile</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="90"/>
        <source>has %1 fields, the header has %2</source>
        <translation>hat %1 Felder, die Kopfzeile hat %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="98"/>
        <source>is required</source>
        <translation>ist Pflicht</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="139"/>
        <source>is too long (at most 200 characters)</source>
        <translation>ist zu lang (höchstens 200 Zeichen)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="164"/>
        <source>&apos;%1&apos; differs from line %2 (&apos;%3&apos;): the order-level columns (%4) must be the same on every row of order %5</source>
        <translation>&apos;%1&apos; weicht von Zeile %2 ab (&apos;%3&apos;): die Spalten auf Auftragsebene (%4) müssen in jeder Zeile von Auftrag %5 gleich sein</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/csvfmt.py" line="171"/>
        <source>duplicate: order %1 operation %2 is also on line %3</source>
        <translation>doppelt: Auftrag %1 Arbeitsgang %2 steht auch in Zeile %3</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="68"/>
        <source>%1: no orders</source>
        <translation>%1: keine Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="73"/>
        <source>%1: %2 order(s) imported (%3), %4 unchanged</source>
        <translation>%1: %2 Auftrag/Aufträge importiert (%3), %4 unverändert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="90"/>
        <source>cannot read the file: %1</source>
        <translation>die Datei kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="102"/>
        <source>not UTF-8 text (save the CSV as UTF-8): %1</source>
        <translation>kein UTF-8-Text (die CSV als UTF-8 speichern): %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="107"/>
        <source>the file holds no orders</source>
        <translation>die Datei enthält keine Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="201"/>
        <source>unknown %1 &apos;%2&apos; (not in the station&apos;s master data; import it first with `hmi masterdata import`)</source>
        <translation>unbekannt: %1 &apos;%2&apos; (nicht in den Stammdaten der Station; zuerst mit `hmi masterdata import` importieren)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="213"/>
        <source>unknown equipment &apos;%1&apos; (not in the station&apos;s master data)</source>
        <translation>unbekanntes Betriebsmittel &apos;%1&apos; (nicht in den Stammdaten der Station)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="229"/>
        <source>unknown %1 &apos;%2&apos; (not in the station&apos;s master data)</source>
        <translation>unbekannt: %1 &apos;%2&apos; (nicht in den Stammdaten der Station)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="307"/>
        <source>order %1 is already started at %2; change it at the station or finish it first</source>
        <translation>Auftrag %1 ist bereits an %2 gestartet; an der Station ändern oder zuerst abschließen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="329"/>
        <source>the database refused the data (another import may have run at the same time; nothing was imported, try again): %1</source>
        <translation>die Datenbank hat die Daten abgelehnt (vielleicht lief gleichzeitig ein anderer Import; nichts wurde importiert, bitte erneut versuchen): %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/importer.py" line="334"/>
        <source>database error, nothing was imported: %1</source>
        <translation>Datenbankfehler, nichts wurde importiert: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="63"/>
        <source>%1: %2 problems, nothing was imported:
%3</source>
        <translation>%1: %2 Probleme, nichts wurde importiert:
%3</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="136"/>
        <source>&apos;%1&apos; is not a valid code: use 1-64 letters, digits, &apos;-&apos;, &apos;_&apos;, &apos;.&apos; or &apos;/&apos;, starting with a letter or digit</source>
        <translation>&apos;%1&apos; ist kein gültiger Code: 1–64 Buchstaben, Ziffern, &apos;-&apos;, &apos;_&apos;, &apos;.&apos; oder &apos;/&apos; verwenden, beginnend mit Buchstabe oder Ziffer</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="148"/>
        <source>&apos;%1&apos; is not a number (write the decimal separator as a point: %2)</source>
        <translation>&apos;%1&apos; ist keine Zahl (das Dezimaltrennzeichen als Punkt schreiben: %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="150"/>
        <location filename="../../hmi/services/erp/model.py" line="152"/>
        <source>&apos;%1&apos; is not a number</source>
        <translation>&apos;%1&apos; ist keine Zahl</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="154"/>
        <source>must be greater than 0 (got %1)</source>
        <translation>muss größer als 0 sein (erhalten: %1)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="163"/>
        <source>&apos;%1&apos; is not a whole number (priority is 1 = most urgent to 9)</source>
        <translation>&apos;%1&apos; ist keine ganze Zahl (Priorität 1 = am dringendsten bis 9)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="165"/>
        <source>priority %1 is out of range: use 1 (most urgent) to 9</source>
        <translation>Priorität %1 liegt außerhalb des Bereichs: 1 (am dringendsten) bis 9 verwenden</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="174"/>
        <source>&apos;%1&apos; is not an operation sequence number: use a whole number such as 10</source>
        <translation>&apos;%1&apos; ist keine Arbeitsgangnummer: eine ganze Zahl wie 10 verwenden</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="177"/>
        <source>operation sequence must be greater than 0 (got %1)</source>
        <translation>die Arbeitsgangnummer muss größer als 0 sein (erhalten: %1)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/erp/model.py" line="190"/>
        <source>&apos;%1&apos; has no time zone offset: write e.g. 2026-03-02T14:00:00+01:00 or ...Z for UTC</source>
        <translation>&apos;%1&apos; hat keinen Zeitzonenversatz: z. B. 2026-03-02T14:00:00+01:00 oder ...Z für UTC schreiben</translation>
    </message>
</context>
<context>
    <name>OrdersView</name>
    <message>
        <location filename="../../hmi/views/orders.py" line="160"/>
        <source>Orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="163"/>
        <source>No orders for this station. New orders arrive from planning.</source>
        <translation>Keine Aufträge für diese Station. Neue Aufträge kommen aus der Planung.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="206"/>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="209"/>
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="212"/>
        <source>Tools</source>
        <translation>Werkzeuge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="214"/>
        <source>Inspect</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="217"/>
        <source>Material</source>
        <translation>Material</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="220"/>
        <source>Type code</source>
        <translation>Code eingeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="228"/>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="230"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="231"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="232"/>
        <source>Report qty</source>
        <translation>Menge melden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="233"/>
        <source>Complete</source>
        <translation>Abschließen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="293"/>
        <source>RUNNING</source>
        <translation>LÄUFT</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="293"/>
        <source>PAUSED</source>
        <translation>PAUSIERT</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="294"/>
        <source>▶ NEXT</source>
        <translation>▶ NÄCHSTER</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="294"/>
        <source>planned</source>
        <translation>geplant</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="300"/>
        <source>due %1</source>
        <translation>fällig %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="334"/>
        <source>No order selected</source>
        <translation>Kein Auftrag ausgewählt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="341"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="341"/>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="342"/>
        <source>Planned</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="344"/>
        <source>good</source>
        <translation>gut</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="344"/>
        <source>scrap</source>
        <translation>Ausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="346"/>
        <source>worked %1</source>
        <translation>gearbeitet %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="349"/>
        <source>Paused: %1</source>
        <translation>Pausiert: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="351"/>
        <source>Operation %1 %2</source>
        <translation>Arbeitsgang %1 %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="354"/>
        <source>Recipe %1</source>
        <translation>Rezept %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="356"/>
        <source>Instruction %1</source>
        <translation>Anweisung %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="358"/>
        <source>Tools %1</source>
        <translation>Werkzeuge %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="360"/>
        <source>Due %1</source>
        <translation>Fällig %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="393"/>
        <source>none mounted</source>
        <translation>keines montiert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="397"/>
        <source>Scan each tool&apos;s label here.</source>
        <translation>Hier das Etikett jedes Werkzeugs scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="405"/>
        <source>Cannot start yet:</source>
        <translation>Kann noch nicht starten:</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="422"/>
        <source>The order cannot start: see the list above.</source>
        <translation>Der Auftrag kann nicht starten: siehe Liste oben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="435"/>
        <source>Order %1 started.</source>
        <translation>Auftrag %1 gestartet.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="444"/>
        <source>Order %1 paused.</source>
        <translation>Auftrag %1 pausiert.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="450"/>
        <source>Order %1 resumed.</source>
        <translation>Auftrag %1 fortgesetzt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="464"/>
        <source>Quantities are whole numbers. Nothing was reported.</source>
        <translation>Mengen sind ganze Zahlen. Nichts wurde gemeldet.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="468"/>
        <source>Reported %1 good, %2 scrap.</source>
        <translation>Gemeldet: %1 gut, %2 Ausschuss.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="475"/>
        <source>Order %1 completed.</source>
        <translation>Auftrag %1 abgeschlossen.</translation>
    </message>
</context>
<context>
    <name>ParetoChart</name>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="545"/>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="571"/>
        <source>Downtime by reason: number of stops</source>
        <translation>Stillstand nach Grund: Anzahl</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="572"/>
        <source>Show duration</source>
        <translation>Dauer zeigen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="573"/>
        <source>stops</source>
        <translation>Stillstände</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="575"/>
        <source>Downtime by reason: duration (h:mm)</source>
        <translation>Stillstand nach Grund: Dauer (h:mm)</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="576"/>
        <source>Show count</source>
        <translation>Anzahl zeigen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="577"/>
        <source>h:mm</source>
        <translation>h:mm</translation>
    </message>
</context>
<context>
    <name>PauseDialog</name>
    <message>
        <location filename="../../hmi/views/orders.py" line="38"/>
        <source>Break</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="39"/>
        <source>Waiting for material</source>
        <translation>Warten auf Material</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="40"/>
        <source>Quality hold</source>
        <translation>Qualitätssperre</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="41"/>
        <source>Changeover</source>
        <translation>Rüsten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="42"/>
        <source>Shift end</source>
        <translation>Schichtende</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="43"/>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="53"/>
        <source>Pause order</source>
        <translation>Auftrag pausieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="53"/>
        <source>Why is the order paused?</source>
        <translation>Warum wird der Auftrag pausiert?</translation>
    </message>
</context>
<context>
    <name>PrintQueue</name>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="232"/>
        <source>The print spool %1 was written by a newer version of the station. Update the station software or move the file aside.</source>
        <translation>Die Druckwarteschlange %1 wurde von einer neueren Version der Station geschrieben. Die Stationssoftware aktualisieren oder die Datei beiseitelegen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="305"/>
        <source>The printer address %1 is not host:port (for example 10.0.0.5:9100). Correct the station&apos;s label printer setting.</source>
        <translation>Die Druckeradresse %1 ist nicht Host:Port (zum Beispiel 10.0.0.5:9100). Die Einstellung des Etikettendruckers der Station korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="311"/>
        <source>The label for %1 is not ZPL (it must start with ^XA and end with ^XZ); nothing was queued.</source>
        <translation>Das Etikett für %1 ist kein ZPL (es muss mit ^XA beginnen und mit ^XZ enden); nichts wurde eingereiht.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="320"/>
        <source>A label file is PDF or PNG, not %1.</source>
        <translation>Eine Etikettendatei ist PDF oder PNG, nicht %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="323"/>
        <source>Printing to a file is not set up at this station (no output folder).</source>
        <translation>Drucken in eine Datei ist an dieser Station nicht eingerichtet (kein Ausgabeordner).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="334"/>
        <source>There is no print job %1.</source>
        <translation>Es gibt keinen Druckauftrag %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="337"/>
        <source>Print job %1 is %2; this is only possible for a %3 job.</source>
        <translation>Druckauftrag %1 ist %2; das geht nur bei einem Auftrag im Zustand %3.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="523"/>
        <source>This label may or may not have printed on %1 (the connection broke while it was sent and the printer cannot confirm). Look at the printer: reprint it, or mark it printed.</source>
        <translation>Dieses Etikett wurde auf %1 vielleicht gedruckt, vielleicht nicht (die Verbindung brach beim Senden ab und der Drucker kann es nicht bestätigen). Am Drucker nachsehen: nachdrucken oder als gedruckt markieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="557"/>
        <source>The label file could not be written to %1 (%2); it is retried.</source>
        <translation>Die Etikettendatei konnte nicht nach %1 geschrieben werden (%2); es wird erneut versucht.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/printqueue.py" line="567"/>
        <source>The label could not be drawn: %1</source>
        <translation>Das Etikett konnte nicht gezeichnet werden: %1</translation>
    </message>
</context>
<context>
    <name>QualityView</name>
    <message>
        <location filename="../../hmi/views/quality.py" line="53"/>
        <source>Suspect dimension: parts must be checked</source>
        <translation>Maß verdächtig: Teile müssen geprüft werden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="54"/>
        <source>Wrong material suspected</source>
        <translation>Falsches Material vermutet</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="55"/>
        <source>Machine fault may have damaged parts</source>
        <translation>Maschinenstörung hat Teile vielleicht beschädigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="56"/>
        <source>Customer complaint on this order</source>
        <translation>Kundenreklamation zu diesem Auftrag</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="57"/>
        <source>SPC rule fired: process out of control</source>
        <translation>SPC-Regel verletzt: Prozess außer Kontrolle</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="58"/>
        <source>Checked: OK to continue</source>
        <translation>Geprüft: in Ordnung, weiter</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="59"/>
        <source>Parts sorted and contained</source>
        <translation>Teile sortiert und abgegrenzt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="60"/>
        <source>Gauge re-checked</source>
        <translation>Prüfmittel nachgeprüft</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="61"/>
        <source>Process corrected, next part checked</source>
        <translation>Prozess korrigiert, nächstes Teil geprüft</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="119"/>
        <location filename="../../hmi/views/quality.py" line="127"/>
        <source>Comment</source>
        <translation>Kommentar</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="120"/>
        <source>Choose…</source>
        <translation>Wählen…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="127"/>
        <source>What was checked or decided?</source>
        <translation>Was wurde geprüft oder entschieden?</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="153"/>
        <source>Nothing to sign off.</source>
        <translation>Nichts abzuzeichnen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="163"/>
        <source>Sign off (team lead)</source>
        <translation>Abzeichnen (Teamleiter)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="190"/>
        <source>%1 · %2 · waiting for a team lead</source>
        <translation>%1 · %2 · wartet auf einen Teamleiter</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="195"/>
        <source>SIGNATURE BROKEN: %1</source>
        <translation>SIGNATUR UNGÜLTIG: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="222"/>
        <source>Re-measured: replaces %1 earlier result(s), kept in the history.</source>
        <translation>Nachgemessen: ersetzt %1 frühere(s) Ergebnis(se), in der Historie aufbewahrt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="226"/>
        <source>Not signed yet. Needs: %1%2.</source>
        <translation>Noch nicht signiert. Benötigt: %1%2.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="228"/>
        <source>, by someone other than %1</source>
        <translation>, von jemand anderem als %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="237"/>
        <source>Comment: %1</source>
        <translation>Kommentar: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="239"/>
        <source>SIGNATURE BROKEN: %1. Tell quality.</source>
        <translation>SIGNATUR UNGÜLTIG: %1. Qualität informieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="244"/>
        <source>Sign: %1 (team lead)</source>
        <translation>Signieren: %1 (Teamleiter)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="262"/>
        <source>Signed.</source>
        <translation>Signiert.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="282"/>
        <source>No quality hold is open at this station.</source>
        <translation>An dieser Station ist keine Qualitätssperre offen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="286"/>
        <source>Put the running order on hold</source>
        <translation>Laufenden Auftrag sperren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="297"/>
        <source>Parts (quantity)</source>
        <translation>Teile (Menge)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="306"/>
        <source>Scrap</source>
        <translation>Ausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="306"/>
        <source>Rework</source>
        <translation>Nacharbeit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="307"/>
        <source>Use as is</source>
        <translation>Sonderfreigabe</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="308"/>
        <source>Return</source>
        <translation>Rücksendung</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="314"/>
        <source>Release hold (team lead)</source>
        <translation>Sperre aufheben (Teamleiter)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="347"/>
        <source>%1 · placed by %2</source>
        <translation>%1 · gesetzt von %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="349"/>
        <source>%1 suspect</source>
        <translation>%1 verdächtig</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="350"/>
        <source>ON HOLD · %1</source>
        <translation>GESPERRT · %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="372"/>
        <source>Hold on %1</source>
        <translation>Sperre auf %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="373"/>
        <source>Placed by %1, %2</source>
        <translation>Gesetzt von %1, %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="377"/>
        <source>Made under hold %1 · suspect %2</source>
        <translation>Unter Sperre %1 gefertigt · verdächtig %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="379"/>
        <source>Scrap %1 · rework %2 · as is %3 · returned %4</source>
        <translation>Ausschuss %1 · Nacharbeit %2 · Sonderfreigabe %3 · zurückgesendet %4</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="384"/>
        <source>Awaiting re-inspection after rework: %1</source>
        <translation>Wartet nach Nacharbeit auf erneute Prüfung: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="393"/>
        <source>Enter how many parts (a whole number above 0).</source>
        <translation>Anzahl Teile eingeben (eine ganze Zahl über 0).</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="404"/>
        <source>%1: %2 part(s) of %3</source>
        <translation>%1: %2 Teil(e) von %3</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="413"/>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="420"/>
        <source>%1 signed and recorded.</source>
        <translation>%1 signiert und erfasst.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="428"/>
        <source>Say why the hold may be released (a comment), then sign.</source>
        <translation>Begründen, warum die Sperre aufgehoben werden darf (Kommentar), dann signieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="431"/>
        <source>Release the hold on %1 (%2)</source>
        <translation>Sperre auf %1 aufheben (%2)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="437"/>
        <source>Released</source>
        <translation>Aufgehoben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="439"/>
        <source>Hold released.</source>
        <translation>Sperre aufgehoben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="444"/>
        <source>No order is running. Holds on lots and serials are placed where they are scanned.</source>
        <translation>Kein Auftrag läuft. Sperren auf Chargen und Seriennummern werden dort gesetzt, wo sie gescannt werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="448"/>
        <source>Quality hold</source>
        <translation>Qualitätssperre</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="448"/>
        <source>Why is order %1 put on hold?</source>
        <translation>Warum wird Auftrag %1 gesperrt?</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="462"/>
        <source>Initial baseline: process stable</source>
        <translation>Erste Basis: Prozess stabil</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="463"/>
        <source>Process changed (new die, tool or material)</source>
        <translation>Prozess geändert (neue Matrize, neues Werkzeug oder Material)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="464"/>
        <source>Recalculation after corrective action</source>
        <translation>Neuberechnung nach Korrekturmaßnahme</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="478"/>
        <source>No inspection plan is open: start an order.</source>
        <translation>Kein Prüfplan offen: einen Auftrag starten.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="530"/>
        <source>%1 chart</source>
        <translation>%1-Karte</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="531"/>
        <source>RULE FIRED</source>
        <translation>REGEL VERLETZT</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="552"/>
        <source>Freeze limits (%1 points)</source>
        <translation>Grenzen einfrieren (%1 Punkte)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="561"/>
        <source>Limits frozen %1 from %2 results: CL %3 · UCL %4 · LCL %5. Recalculation is an audited action.</source>
        <translation>Grenzen eingefroren %1 aus %2 Ergebnissen: ML %3 · OEG %4 · UEG %5. Neuberechnung ist eine protokollierte Aktion.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="570"/>
        <source>No control limits yet: a process engineer freezes them from a baseline of results. Points are shown without rules.</source>
        <translation>Noch keine Eingriffsgrenzen: ein Prozessingenieur friert sie aus einer Basis von Ergebnissen ein. Punkte werden ohne Regeln gezeigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="582"/>
        <source>Control limits</source>
        <translation>Eingriffsgrenzen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="582"/>
        <source>Why are the limits frozen from these %1 results?</source>
        <translation>Warum werden die Grenzen aus diesen %1 Ergebnissen eingefroren?</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="592"/>
        <source>Limits frozen from %1 results (audited).</source>
        <translation>Grenzen aus %1 Ergebnissen eingefroren (protokolliert).</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="614"/>
        <source>≥ 1.33 capable · 1.00–1.33 marginal · &lt; 1.00 not capable.</source>
        <translation>≥ 1,33 fähig · 1,00–1,33 grenzwertig · &lt; 1,00 nicht fähig.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="617"/>
        <source>n = %1 values. %2</source>
        <translation>n = %1 Werte. %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="636"/>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="684"/>
        <source>Sign-off (%1)</source>
        <translation>Abzeichnen (%1)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="685"/>
        <source>Holds (%1)</source>
        <translation>Sperren (%1)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="686"/>
        <source>SPC charts</source>
        <translation>SPC-Karten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/quality.py" line="688"/>
        <source>Trace</source>
        <translation>Rückverfolgung</translation>
    </message>
</context>
<context>
    <name>QuarantineService</name>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="137"/>
        <source>The central database has another version of %1 %2; the station keeps its own.</source>
        <translation>Die Zentraldatenbank hat eine andere Version von %1 %2; die Station behält ihre eigene.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="140"/>
        <source>The central database already holds another event under this station&apos;s sequence number %1: this store may have been replaced, or the station id given to another station.</source>
        <translation>Die Zentraldatenbank hat unter der Sequenznummer %1 dieser Station bereits ein anderes Ereignis: dieser Speicher wurde vielleicht ersetzt oder die Stations-ID einer anderen Station gegeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="147"/>
        <source>The central database refused the row.</source>
        <translation>Die Zentraldatenbank hat die Zeile abgelehnt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="154"/>
        <source>Make a new version centrally; the station keeps its own. Then mark this entry resolved with a note.</source>
        <translation>Zentral eine neue Version anlegen; die Station behält ihre eigene. Dann diesen Eintrag mit einer Notiz als erledigt markieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="156"/>
        <source>Have the cause fixed centrally, then tap Send again; if the central side does not need the row, mark it resolved. It stays in the station&apos;s store.</source>
        <translation>Die Ursache zentral beheben lassen, dann Erneut senden antippen; braucht die Zentrale die Zeile nicht, als erledigt markieren. Sie bleibt im Speicher der Station.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="268"/>
        <source>The refused rows could not be read from the station&apos;s store: %1</source>
        <translation>Die abgelehnten Zeilen konnten nicht aus dem Speicher der Station gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="295"/>
        <source>This refused row is no longer listed. Refresh the list.</source>
        <translation>Diese abgelehnte Zeile steht nicht mehr in der Liste. Liste aktualisieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="298"/>
        <source>%1 %2 is already resolved (%3). Nothing to do.</source>
        <translation>%1 %2 ist bereits erledigt (%3). Nichts zu tun.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="311"/>
        <source>Write a note saying what was done about %1 %2 (e.g. fixed centrally, not needed centrally), then mark it resolved again.</source>
        <translation>Eine Notiz schreiben, was mit %1 %2 geschehen ist (z. B. zentral behoben, zentral nicht benötigt), dann erneut als erledigt markieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="315"/>
        <source>The note is too long (%1 characters; at most 2000). Shorten it.</source>
        <translation>Die Notiz ist zu lang (%1 Zeichen; höchstens 2000). Bitte kürzen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="320"/>
        <source>%1 %2 marked resolved.</source>
        <translation>%1 %2 als erledigt markiert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="337"/>
        <source>%1 %2 was resolved meanwhile (by someone else). Nothing was changed.</source>
        <translation>%1 %2 wurde inzwischen erledigt (von jemand anderem). Nichts wurde geändert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="360"/>
        <source>%1 %2 is a central master-data version in conflict with the station&apos;s own: it cannot be sent again. Make a new version centrally (the station keeps its own), then mark this entry resolved.</source>
        <translation>%1 %2 ist eine zentrale Stammdatenversion im Konflikt mit der eigenen der Station: sie kann nicht erneut gesendet werden. Zentral eine neue Version anlegen (die Station behält ihre eigene), dann diesen Eintrag als erledigt markieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="365"/>
        <source>%1 %2 names no sequence number: it cannot be sent again. Mark it resolved with a note.</source>
        <translation>%1 %2 nennt keine Sequenznummer: kann nicht erneut gesendet werden. Mit einer Notiz als erledigt markieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="368"/>
        <source>Sync with the central database is off at this station (no central_url): nothing can be sent.</source>
        <translation>Die Synchronisation mit der Zentraldatenbank ist an dieser Station aus (keine central_url): nichts kann gesendet werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="401"/>
        <location filename="../../hmi/services/quarantine.py" line="409"/>
        <source>The central database is not reachable: %1; try again when the header shows online. Nothing was changed.</source>
        <translation>Die Zentraldatenbank ist nicht erreichbar: %1; erneut versuchen, wenn die Kopfzeile online zeigt. Nichts wurde geändert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="413"/>
        <source>The row was not sent: %1. Nothing was changed.</source>
        <translation>Die Zeile wurde nicht gesendet: %1. Nichts wurde geändert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="416"/>
        <source>The central database refused the retry: %1. Nothing was changed; check the station&apos;s central role.</source>
        <translation>Die Zentraldatenbank hat den erneuten Versuch abgelehnt: %1. Nichts wurde geändert; die zentrale Rolle der Station prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="433"/>
        <source>Sending %1 %2 again failed: %3. Nothing was changed.</source>
        <translation>Erneutes Senden von %1 %2 fehlgeschlagen: %3. Nichts wurde geändert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="457"/>
        <source>%1 %2 was sent again: the central database took it. Entry resolved.</source>
        <translation>%1 %2 wurde erneut gesendet: die Zentraldatenbank hat es übernommen. Eintrag erledigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="459"/>
        <source>%1 %2 was already at the central database (once). Entry resolved.</source>
        <translation>%1 %2 war bereits in der Zentraldatenbank (einmal). Eintrag erledigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="471"/>
        <source>%1 %2 was resolved meanwhile (by someone else).</source>
        <translation>%1 %2 wurde inzwischen erledigt (von jemand anderem).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="479"/>
        <source>The central database refused %1 %2 again (%3). Fix the cause centrally first, or mark the row resolved.</source>
        <translation>Die Zentraldatenbank hat %1 %2 erneut abgelehnt (%3). Zuerst die Ursache zentral beheben oder die Zeile als erledigt markieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quarantine.py" line="499"/>
        <source>Saving failed: %1. Nothing was changed; try again.</source>
        <translation>Speichern fehlgeschlagen: %1. Nichts wurde geändert; bitte erneut versuchen.</translation>
    </message>
</context>
<context>
    <name>ReasonTreePicker</name>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="136"/>
        <source>Recent</source>
        <translation>Zuletzt</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="149"/>
        <source>Search reason name or code</source>
        <translation>Grund nach Name oder Code suchen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="156"/>
        <source>‹ Back</source>
        <translation>‹ Zurück</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="198"/>
        <source>What happened?</source>
        <translation>Was ist passiert?</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="201"/>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="206"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="261"/>
        <source>Suggested reason</source>
        <translation>Vorgeschlagener Grund</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="263"/>
        <location filename="../../hmi/widgets/reason_picker.py" line="444"/>
        <source>Choose %1</source>
        <translation>%1 wählen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="324"/>
        <source>%1 needs a comment: type what happened, then tap Confirm.</source>
        <translation>%1 braucht einen Kommentar: eingeben, was passiert ist, dann Bestätigen antippen.</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="341"/>
        <source>No comment yet: %1 needs a comment. Type what happened, then tap Confirm.</source>
        <translation>Noch kein Kommentar: %1 braucht einen Kommentar. Eingeben, was passiert ist, dann Bestätigen antippen.</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="427"/>
        <source>%1 found</source>
        <translation>%1 gefunden</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="428"/>
        <source>Nothing matches “%1”: try part of the name or the code</source>
        <translation>Nichts passt zu „%1“: einen Teil des Namens oder den Code versuchen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="431"/>
        <source>(first %1; type more to narrow)</source>
        <translation>(die ersten %1; weitertippen zum Eingrenzen)</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="437"/>
        <source>All reasons</source>
        <translation>Alle Gründe</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/reason_picker.py" line="452"/>
        <source>planned</source>
        <translation>geplant</translation>
    </message>
</context>
<context>
    <name>RecipePanel</name>
    <message>
        <location filename="../../hmi/views/recipes.py" line="56"/>
        <location filename="../../hmi/views/recipes.py" line="145"/>
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="76"/>
        <source>◀  Orders</source>
        <translation>◀  Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="78"/>
        <source>Download to machine</source>
        <translation>In die Maschine laden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="81"/>
        <source>Values correct ✓</source>
        <translation>Werte richtig ✓</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="83"/>
        <source>Not correct ✗</source>
        <translation>Nicht richtig ✗</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="85"/>
        <source>Versions</source>
        <translation>Versionen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="146"/>
        <source>Select an order with a recipe on the Orders screen.</source>
        <translation>Einen Auftrag mit Rezept auf der Seite Aufträge auswählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="151"/>
        <source>Recipe %1 for %2</source>
        <translation>Rezept %1 für %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="153"/>
        <source>No approved version of this recipe. A process engineer must approve it before it can be downloaded.</source>
        <translation>Keine freigegebene Version dieses Rezepts. Ein Prozessingenieur muss es freigeben, bevor es geladen werden kann.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="159"/>
        <source>Recipe %1 v%2 · %3 · order %4</source>
        <translation>Rezept %1 v%2 · %3 · Auftrag %4</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="163"/>
        <source>Parameter</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="163"/>
        <source>Setpoint</source>
        <translation>Sollwert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="163"/>
        <source>Limits</source>
        <translation>Grenzen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="164"/>
        <source>Machine</source>
        <translation>Maschine</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="181"/>
        <source>Not downloaded for this order yet.</source>
        <translation>Für diesen Auftrag noch nicht geladen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="184"/>
        <source>Download FAILED: %1</source>
        <translation>Laden FEHLGESCHLAGEN: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="187"/>
        <source>Downloaded and validated: the order may start.</source>
        <translation>Geladen und validiert: der Auftrag darf starten.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="190"/>
        <source>The download was rejected. Download again.</source>
        <translation>Das Laden wurde abgelehnt. Erneut laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="193"/>
        <source>Downloaded and read back. Compare each line with the machine, then confirm.</source>
        <translation>Geladen und zurückgelesen. Jede Zeile mit der Maschine vergleichen, dann bestätigen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="214"/>
        <source>Deviations from the recipe:</source>
        <translation>Abweichungen vom Rezept:</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="216"/>
        <source>instead of</source>
        <translation>statt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="217"/>
        <source>since %1</source>
        <translation>seit %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="228"/>
        <source>The machine is not connected. Check the link in the header, then try again.</source>
        <translation>Die Maschine ist nicht verbunden. Die Verbindung in der Kopfzeile prüfen, dann erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="232"/>
        <source>Downloading… writing and reading back every parameter.</source>
        <translation>Lade… jeder Parameter wird geschrieben und zurückgelesen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="255"/>
        <source>Download done.</source>
        <translation>Laden fertig.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="271"/>
        <source>Recorded.</source>
        <translation>Erfasst.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="272"/>
        <source>Rejected: download again after the machine is checked.</source>
        <translation>Abgelehnt: nach Prüfung der Maschine erneut laden.</translation>
    </message>
</context>
<context>
    <name>RecipeVersionsView</name>
    <message>
        <location filename="../../hmi/views/recipes.py" line="322"/>
        <source>No versions.</source>
        <translation>Keine Versionen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="340"/>
        <source>◀  Recipe</source>
        <translation>◀  Rezept</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="342"/>
        <source>Approve</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="345"/>
        <source>Roll back to last known-good</source>
        <translation>Zurück auf letzte bewährte Version</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="360"/>
        <source>Recipe %1 · versions</source>
        <translation>Rezept %1 · Versionen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="384"/>
        <source>by %1 %2</source>
        <translation>von %1 %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="386"/>
        <source>known good</source>
        <translation>bewährt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="395"/>
        <source>Approve v%1</source>
        <translation>v%1 freigeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="452"/>
        <source>Tap two versions to compare them.</source>
        <translation>Zwei Versionen antippen, um sie zu vergleichen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="457"/>
        <source>v%1 (A) compared with v%2 (B): %3 parameter(s) differ</source>
        <translation>v%1 (A) verglichen mit v%2 (B): %3 Parameter unterschiedlich</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="464"/>
        <source>Parameter</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="472"/>
        <source>— not in this version —</source>
        <translation>— nicht in dieser Version —</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="490"/>
        <source>Signed and recorded.</source>
        <translation>Signiert und erfasst.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="498"/>
        <location filename="../../hmi/views/recipes.py" line="510"/>
        <source>Log in first.</source>
        <translation>Zuerst anmelden.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="500"/>
        <location filename="../../hmi/views/recipes.py" line="513"/>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="501"/>
        <source>Recipe %1 version %2: it may be downloaded to the machine from now on; the approved version before it becomes obsolete.</source>
        <translation>Rezept %1 Version %2: darf ab jetzt in die Maschine geladen werden; die vorher freigegebene Version wird ungültig.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/recipes.py" line="514"/>
        <source>Roll recipe %1 back: a new version copied from the last known-good version (v%2), approved at once.</source>
        <translation>Rezept %1 zurücksetzen: eine neue Version als Kopie der letzten bewährten Version (v%2), sofort freigegeben.</translation>
    </message>
</context>
<context>
    <name>RepairDialog</name>
    <message>
        <location filename="../../hmi/views/downtime.py" line="76"/>
        <source>Log repair</source>
        <translation>Reparatur erfassen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="78"/>
        <source>Log the repair</source>
        <translation>Die Reparatur erfassen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="82"/>
        <source>What was done (required)</source>
        <translation>Was wurde gemacht (Pflicht)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="84"/>
        <source>Parts used, e.g. seal kit x 1, hose x 2</source>
        <translation>Verwendete Teile, z. B. Dichtungssatz x 1, Schlauch x 2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="86"/>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="91"/>
        <source>Save repair</source>
        <translation>Reparatur speichern</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="93"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="112"/>
        <source>Part %1: &quot;%2&quot; is not a quantity. Write e.g. &quot;hose x 2&quot;.</source>
        <translation>Teil %1: &quot;%2&quot; ist keine Mengenangabe. Z. B. &quot;Schlauch x 2&quot; schreiben.</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../../hmi/views/orders.py" line="62"/>
        <location filename="../../hmi/views/orders.py" line="65"/>
        <source>Report quantity</source>
        <translation>Menge melden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="69"/>
        <location filename="../../hmi/views/orders.py" line="74"/>
        <source>Good</source>
        <translation>Gut</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="72"/>
        <location filename="../../hmi/views/orders.py" line="76"/>
        <source>Scrap</source>
        <translation>Ausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="81"/>
        <source>Report</source>
        <translation>Melden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/orders.py" line="84"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>ResetDialog</name>
    <message>
        <location filename="../../hmi/views/tools.py" line="23"/>
        <source>Reground / repaired</source>
        <translation>Nachgeschliffen / repariert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="24"/>
        <source>Wear parts replaced</source>
        <translation>Verschleißteile getauscht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="25"/>
        <source>Inspected, within limits</source>
        <translation>Geprüft, innerhalb der Grenzen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="26"/>
        <source>Replaced by a new tool</source>
        <translation>Durch neues Werkzeug ersetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="36"/>
        <source>Reset tool life</source>
        <translation>Werkzeugstandzeit zurücksetzen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="36"/>
        <source>What was done to %1?</source>
        <translation>Was wurde an %1 gemacht?</translation>
    </message>
</context>
<context>
    <name>ShiftKpiService</name>
    <message>
        <location filename="../../hmi/services/shiftkpi.py" line="249"/>
        <source>No shift scheduled · today</source>
        <translation>Keine Schicht geplant · heute</translation>
    </message>
</context>
<context>
    <name>ShiftSummaryView</name>
    <message>
        <location filename="../../hmi/views/summary.py" line="50"/>
        <source>Shift handover</source>
        <translation>Schichtübergabe</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="55"/>
        <source>Audit trail</source>
        <translation>Audit-Protokoll</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="62"/>
        <source>OEE</source>
        <translation>OEE</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="63"/>
        <source>Good</source>
        <translation>Gut</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="64"/>
        <source>Scrap</source>
        <translation>Ausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="65"/>
        <source>Unplanned stops</source>
        <translation>Ungeplante Stillstände</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="73"/>
        <source>Open items for the next shift</source>
        <translation>Offene Punkte für die nächste Schicht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="76"/>
        <source>Nothing open. The shift can be handed over clean.</source>
        <translation>Nichts offen. Die Schicht kann sauber übergeben werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="81"/>
        <source>Top downtime reasons</source>
        <translation>Häufigste Stillstandsgründe</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="102"/>
        <source>not acknowledged</source>
        <translation>nicht quittiert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="102"/>
        <source>still active</source>
        <translation>noch aktiv</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="103"/>
        <source>Alarm</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="104"/>
        <location filename="../../hmi/views/summary.py" line="113"/>
        <source>since</source>
        <translation>seit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="108"/>
        <source>nobody has answered</source>
        <translation>niemand hat angenommen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="109"/>
        <source>answered by %1, not resolved</source>
        <translation>angenommen von %1, nicht erledigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="112"/>
        <source>Andon call</source>
        <translation>Andon-Ruf</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="119"/>
        <source>Stop without reason</source>
        <translation>Stillstand ohne Grund</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="122"/>
        <source>give it a reason in Downtime</source>
        <translation>unter Stillstand einen Grund angeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="123"/>
        <source>Quality holds</source>
        <translation>Qualitätssperren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="124"/>
        <source>none recorded at this station (holds come with the quality module)</source>
        <translation>keine an dieser Station erfasst (Sperren kommen mit dem Qualitätsmodul)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="132"/>
        <source>Shift handover · %1 · %2–%3</source>
        <translation>Schichtübergabe · %1 · %2–%3</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="141"/>
        <source>%1 stop(s)</source>
        <translation>%1 Stillstand/Stillstände</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="144"/>
        <source>No reason yet</source>
        <translation>Noch kein Grund</translation>
    </message>
    <message>
        <location filename="../../hmi/views/summary.py" line="145"/>
        <source>No stops.</source>
        <translation>Keine Stillstände.</translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <location filename="../../hmi/widgets/signature_dialog.py" line="31"/>
        <source>Electronic signature</source>
        <translation>Elektronische Signatur</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/signature_dialog.py" line="36"/>
        <source>Sign: %1</source>
        <translation>Signieren: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/signature_dialog.py" line="40"/>
        <source>By entering your badge and PIN you sign this record. Your signature is bound to its content: any later change invalidates it.</source>
        <translation>Mit Ausweis und PIN signieren Sie diesen Datensatz. Ihre Signatur ist an seinen Inhalt gebunden: jede spätere Änderung macht sie ungültig.</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/signature_dialog.py" line="52"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/signature_dialog.py" line="53"/>
        <source>Sign</source>
        <translation>Signieren</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/signature_dialog.py" line="90"/>
        <source>Enter your badge number and PIN.</source>
        <translation>Ausweisnummer und PIN eingeben.</translation>
    </message>
</context>
<context>
    <name>SkipDialog</name>
    <message>
        <location filename="../../hmi/views/instructions.py" line="39"/>
        <source>Not needed for this part</source>
        <translation>Für dieses Teil nicht nötig</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="40"/>
        <source>Done by someone else</source>
        <translation>Von jemand anderem erledigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="41"/>
        <source>Equipment not available</source>
        <translation>Betriebsmittel nicht verfügbar</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="51"/>
        <source>Skip step</source>
        <translation>Schritt überspringen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/instructions.py" line="51"/>
        <source>Why is this step skipped?</source>
        <translation>Warum wird dieser Schritt übersprungen?</translation>
    </message>
</context>
<context>
    <name>StateTimeline</name>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="396"/>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="404"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="404"/>
        <source>Idle / starved / blocked</source>
        <translation>Leerlauf/Mangel/Stau</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="405"/>
        <source>Down</source>
        <translation>Störung</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="405"/>
        <source>Changeover</source>
        <translation>Rüsten</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="406"/>
        <source>Planned stop</source>
        <translation>Geplanter Halt</translation>
    </message>
    <message>
        <location filename="../../hmi/widgets/charts.py" line="406"/>
        <source>No data</source>
        <translation>Keine Daten</translation>
    </message>
</context>
<context>
    <name>StationSession</name>
    <message>
        <location filename="../../hmi/services/session.py" line="221"/>
        <source>Scan your badge or type its number first.</source>
        <translation>Zuerst den Ausweis scannen oder seine Nummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/session.py" line="224"/>
        <source>Enter your PIN.</source>
        <translation>PIN eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/session.py" line="287"/>
        <source>Scan the badge and enter the PIN of a person allowed to leave the station application.</source>
        <translation>Ausweis scannen und PIN einer Person eingeben, die die Stationsanwendung verlassen darf.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/session.py" line="339"/>
        <source>The station is still starting. Try again in a few seconds.</source>
        <translation>Die Station startet noch. In ein paar Sekunden erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/session.py" line="346"/>
        <source>This is not possible right now (%1). Tell a team lead.</source>
        <translation>Das ist gerade nicht möglich (%1). Einem Teamleiter Bescheid geben.</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="128"/>
        <source>differs from the station&apos;s</source>
        <translation>weicht von dem der Station ab</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="134"/>
        <source>%1 characters, the central column takes %2</source>
        <translation>%1 Zeichen, die zentrale Spalte fasst %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="169"/>
        <source>What was done?</source>
        <translation>Was wurde gemacht?</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="181"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="183"/>
        <location filename="../../hmi/views/syncpage.py" line="578"/>
        <source>Mark resolved</source>
        <translation>Als erledigt markieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="229"/>
        <source>Sync with the central database</source>
        <translation>Synchronisation mit der Zentraldatenbank</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="232"/>
        <source>⇅ Sync now</source>
        <translation>⇅ Jetzt synchronisieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="244"/>
        <source>Central database</source>
        <translation>Zentraldatenbank</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="244"/>
        <source>Unsent events</source>
        <translation>Ungesendete Ereignisse</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="245"/>
        <source>Oldest unsent</source>
        <translation>Ältestes ungesendetes</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="245"/>
        <source>Last success</source>
        <translation>Letzter Erfolg</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="246"/>
        <source>Clock skew</source>
        <translation>Uhrabweichung</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="246"/>
        <source>Backlog budget</source>
        <translation>Rückstau-Budget</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="247"/>
        <location filename="../../hmi/views/syncpage.py" line="261"/>
        <location filename="../../hmi/views/syncpage.py" line="444"/>
        <source>Refused rows</source>
        <translation>Abgelehnte Zeilen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="264"/>
        <source>No refused rows. Everything the central side refused would be listed here with its reason.</source>
        <translation>Keine abgelehnten Zeilen. Alles, was die Zentrale ablehnt, stünde hier mit seinem Grund.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="298"/>
        <location filename="../../hmi/views/syncpage.py" line="498"/>
        <source>Send again</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="301"/>
        <source>Mark resolved…</source>
        <translation>Als erledigt markieren…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="335"/>
        <source>Sync with the central database is off: this station has no central database configured (central_url) and runs standalone. Everything stays in its own store.</source>
        <translation>Die Synchronisation mit der Zentraldatenbank ist aus: an dieser Station ist keine Zentraldatenbank eingerichtet (central_url), sie läuft eigenständig. Alles bleibt in ihrem eigenen Speicher.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="341"/>
        <source>not yet</source>
        <translation>noch nicht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="342"/>
        <source>Waiting for the first sync run…</source>
        <translation>Warte auf den ersten Synchronisationslauf…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="346"/>
        <source>at %1</source>
        <translation>um %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="348"/>
        <source>ONLINE</source>
        <translation>ONLINE</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="348"/>
        <source>OFFLINE</source>
        <translation>OFFLINE</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="354"/>
        <source>all sent</source>
        <translation>alles gesendet</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="354"/>
        <source>events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="357"/>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="357"/>
        <source>nothing waits</source>
        <translation>nichts wartet</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="360"/>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="367"/>
        <source>vs central</source>
        <translation>ggü. Zentrale</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="368"/>
        <source>measured when online</source>
        <translation>gemessen, wenn online</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="376"/>
        <source>of %1 events</source>
        <translation>von %1 Ereignissen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="378"/>
        <source>no budget set</source>
        <translation>kein Budget gesetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="381"/>
        <location filename="../../hmi/views/syncpage.py" line="447"/>
        <source>see below</source>
        <translation>siehe unten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="381"/>
        <location filename="../../hmi/views/syncpage.py" line="447"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="401"/>
        <source>The backlog has used %1 % of its budget: get the central database back soon, or the station&apos;s disk fills up.</source>
        <translation>Der Rückstau hat %1 % seines Budgets verbraucht: die Zentraldatenbank bald wieder erreichbar machen, sonst läuft die Festplatte der Station voll.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="405"/>
        <source>The disk holding the station&apos;s store is nearly full: call maintenance to free space.</source>
        <translation>Die Festplatte mit dem Speicher der Station ist fast voll: die Instandhaltung rufen, um Platz zu schaffen.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="409"/>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="423"/>
        <source>Sync asked to run now; the tiles update after the run.</source>
        <translation>Synchronisation angestoßen; die Kacheln aktualisieren sich nach dem Lauf.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="443"/>
        <source>Refused rows (%1)</source>
        <translation>Abgelehnte Zeilen (%1)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="451"/>
        <source>refused</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="451"/>
        <location filename="../../hmi/views/syncpage.py" line="479"/>
        <source>conflict</source>
        <translation>Konflikt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="475"/>
        <source>Tap a refused row to see why it was refused and what to do.</source>
        <translation>Eine abgelehnte Zeile antippen, um zu sehen, warum sie abgelehnt wurde und was zu tun ist.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="479"/>
        <source>station event</source>
        <translation>Stationsereignis</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="483"/>
        <source>Central database said: %1</source>
        <translation>Die Zentraldatenbank meldete: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="483"/>
        <source>Sync said: %1</source>
        <translation>Die Synchronisation meldete: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="489"/>
        <source>Attempts %1 · first seen %2 · last seen %3 (station time)</source>
        <translation>Versuche %1 · zuerst gesehen %2 · zuletzt gesehen %3 (Stationszeit)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="498"/>
        <source>Sending…</source>
        <translation>Sende…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="554"/>
        <source>Sending %1 %2 again…</source>
        <translation>Sende %1 %2 erneut…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="579"/>
        <source>%1 · %2: what was done about it? The note goes into the audit trail.</source>
        <translation>%1 · %2: was wurde unternommen? Die Notiz geht in den Audit-Trail.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/syncpage.py" line="584"/>
        <source>Saving…</source>
        <translation>Speichere…</translation>
    </message>
</context>
<context>
    <name>SyncService</name>
    <message>
        <location filename="../../hmi/services/sync.py" line="112"/>
        <source>sync stopped: see the log</source>
        <translation>Synchronisation angehalten: siehe Protokoll</translation>
    </message>
    <message>
        <location filename="../../hmi/services/sync.py" line="159"/>
        <source>central database unreachable: %1</source>
        <translation>Zentraldatenbank nicht erreichbar: %1</translation>
    </message>
</context>
<context>
    <name>ToolsView</name>
    <message>
        <location filename="../../hmi/views/tools.py" line="64"/>
        <source>Tools and fixtures</source>
        <translation>Werkzeuge und Vorrichtungen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="67"/>
        <source>No tools are known at this station.</source>
        <translation>An dieser Station sind keine Werkzeuge bekannt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="73"/>
        <source>◀  Orders</source>
        <translation>◀  Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="75"/>
        <source>Unmount</source>
        <translation>Demontieren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="77"/>
        <source>Reset life (maintenance)</source>
        <translation>Standzeit zurücksetzen (Instandhaltung)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="144"/>
        <source>%1: life counter reset (%2).</source>
        <translation>%1: Standzeitzähler zurückgesetzt (%2).</translation>
    </message>
    <message>
        <location filename="../../hmi/views/tools.py" line="156"/>
        <source>%1 unmounted.</source>
        <translation>%1 demontiert.</translation>
    </message>
</context>
<context>
    <name>TracePage</name>
    <message>
        <location filename="../../hmi/views/trace.py" line="67"/>
        <source>unit</source>
        <translation>Einheit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="67"/>
        <source>lot</source>
        <translation>Charge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="71"/>
        <source>1 unit</source>
        <translation>1 Einheit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="71"/>
        <source>%1 units</source>
        <translation>%1 Einheiten</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="75"/>
        <source>1 lot</source>
        <translation>1 Charge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="75"/>
        <source>%1 lots</source>
        <translation>%1 Chargen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="163"/>
        <source>Scan or type a serial or lot</source>
        <translation>Seriennummer oder Charge scannen oder eingeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="166"/>
        <source>What went in</source>
        <translation>Was ging hinein</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="167"/>
        <source>Where it went</source>
        <translation>Wohin ging es</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="168"/>
        <source>Recall report</source>
        <translation>Rückrufbericht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="189"/>
        <source>Scan the label of a unit or lot: its trace shows at once. Or type its number and choose:
• What went in: every lot inside it, down to the raw materials, and how it was made.
• Where it went: every lot and unit it reached.
• Recall report: all of them as CSV and PDF.</source>
        <translation>Das Etikett einer Einheit oder Charge scannen: ihre Rückverfolgung erscheint sofort. Oder die Nummer eingeben und wählen:
• Was ging hinein: jede enthaltene Charge bis zu den Rohstoffen, und wie sie gefertigt wurde.
• Wohin ging es: jede Charge und Einheit, die sie erreicht hat.
• Rückrufbericht: alle davon als CSV und PDF.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="207"/>
        <location filename="../../hmi/views/trace.py" line="267"/>
        <source>Unit / lot</source>
        <translation>Einheit / Charge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="207"/>
        <location filename="../../hmi/views/trace.py" line="267"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="207"/>
        <source>Material</source>
        <translation>Material</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="207"/>
        <source>Qty</source>
        <translation>Menge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="208"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="251"/>
        <source>◀ Previous</source>
        <translation>◀ Zurück</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="255"/>
        <source>Next ▶</source>
        <translation>Weiter ▶</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="267"/>
        <source>Product</source>
        <translation>Produkt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="267"/>
        <location filename="../../hmi/views/trace.py" line="543"/>
        <source>Order</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="268"/>
        <location filename="../../hmi/views/trace.py" line="548"/>
        <source>Made</source>
        <translation>Gefertigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="268"/>
        <source>State · went into</source>
        <translation>Zustand · ging in</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="316"/>
        <source>“%1” is a %2 code, not a unit or lot: scan the label of the unit or lot to trace.</source>
        <translation>„%1“ ist ein %2-Code, keine Einheit oder Charge: das Etikett der Einheit oder Charge scannen, die verfolgt werden soll.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="320"/>
        <source>This label carries no serial or lot number (only %1): scan the label of the unit or lot itself, or type its number.</source>
        <translation>Dieses Etikett enthält keine Serien- oder Chargennummer (nur %1): das Etikett der Einheit oder Charge selbst scannen oder ihre Nummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="333"/>
        <source>Scan the label of a unit or lot, or type its number.</source>
        <translation>Das Etikett einer Einheit oder Charge scannen oder ihre Nummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="368"/>
        <source>Tracing %1 …</source>
        <translation>Verfolge %1 …</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="381"/>
        <source>Tracing where %1 went …</source>
        <translation>Verfolge, wohin %1 ging …</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="398"/>
        <source>Writing the recall report of %1 …</source>
        <translation>Schreibe den Rückrufbericht von %1 …</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="427"/>
        <source>Scope: %1</source>
        <translation>Umfang: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="447"/>
        <source>A loop in the records: %1 is listed inside itself; that path stops there. Tell quality.</source>
        <translation>Eine Schleife in den Aufzeichnungen: %1 steht in sich selbst; dieser Pfad endet dort. Qualität informieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="451"/>
        <source>Trace incomplete: </source>
        <translation>Rückverfolgung unvollständig: </translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="463"/>
        <location filename="../../hmi/views/trace.py" line="569"/>
        <source>ON HOLD: %1</source>
        <translation>GESPERRT: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="470"/>
        <location filename="../../hmi/views/trace.py" line="608"/>
        <source>SCRAPPED</source>
        <translation>VERSCHROTTET</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="473"/>
        <source>made at another station</source>
        <translation>an einer anderen Station gefertigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="475"/>
        <source>LOOP: already above, not followed</source>
        <translation>SCHLEIFE: steht schon weiter oben, nicht verfolgt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="477"/>
        <source>deeper levels not shown</source>
        <translation>tiefere Ebenen nicht gezeigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="486"/>
        <source>exp %1</source>
        <translation>verf. %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="520"/>
        <source>lot of %1</source>
        <translation>Charge von %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="521"/>
        <source>lot (no record of it at this station)</source>
        <translation>Charge (an dieser Station nicht erfasst)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="523"/>
        <source>Received</source>
        <translation>Eingegangen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="523"/>
        <source>Known since</source>
        <translation>Bekannt seit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="528"/>
        <source>(their lot %1)</source>
        <translation>(deren Charge %1)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="529"/>
        <source>Supplier</source>
        <translation>Lieferant</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="530"/>
        <source>Expires</source>
        <translation>Verfällt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="531"/>
        <source>Quantity</source>
        <translation>Menge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="533"/>
        <source>Made at another station (order %1): how it was made is known at the central database.</source>
        <translation>An einer anderen Station gefertigt (Auftrag %1): wie, ist in der Zentraldatenbank bekannt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="537"/>
        <location filename="../../hmi/views/trace.py" line="567"/>
        <location filename="../../hmi/views/trace.py" line="572"/>
        <source>Holds</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="538"/>
        <location filename="../../hmi/views/trace.py" line="572"/>
        <source>none open</source>
        <translation>keine offen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="550"/>
        <source>Operators</source>
        <translation>Werker</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="552"/>
        <location filename="../../hmi/views/trace.py" line="554"/>
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="554"/>
        <source>none downloaded for the order</source>
        <translation>keines für den Auftrag geladen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="557"/>
        <source>of this unit</source>
        <translation>dieser Einheit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="557"/>
        <source>of the order</source>
        <translation>des Auftrags</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="559"/>
        <source>%1 pass</source>
        <translation>%1 i.O.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="560"/>
        <source>%1 fail</source>
        <translation>%1 n.i.O.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="564"/>
        <source>Inspections</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="564"/>
        <source>none recorded</source>
        <translation>keine erfasst</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="568"/>
        <source>ORDER ON HOLD: %1</source>
        <translation>AUFTRAG GESPERRT: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="573"/>
        <source>none open (%1 released)</source>
        <translation>keine offen (%1 aufgehoben)</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="575"/>
        <source>Defects</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="578"/>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="588"/>
        <source>%1 and %2 reached</source>
        <translation>%1 und %2 erreicht</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="590"/>
        <source>from %1 %2</source>
        <translation>aus %1 %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="597"/>
        <source>Page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="605"/>
        <source>ON HOLD</source>
        <translation>GESPERRT</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="613"/>
        <source>into %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="623"/>
        <source>Nothing: it went into no unit or lot this station knows.</source>
        <translation>Nichts: es ging in keine Einheit oder Charge, die diese Station kennt.</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="634"/>
        <source>1 order</source>
        <translation>1 Auftrag</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="634"/>
        <source>%1 orders</source>
        <translation>%1 Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/views/trace.py" line="640"/>
        <source>Recall report of %1 %2 written: %3, %4, %5.
Folder: %6
%7  ·  %8</source>
        <translation>Rückrufbericht von %1 %2 geschrieben: %3, %4, %5.
Ordner: %6
%7  ·  %8</translation>
    </message>
</context>
<context>
    <name>Upkeep</name>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="190"/>
        <source>would remove %1 event(s)</source>
        <translation>würde %1 Ereignis(se) entfernen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="191"/>
        <source>removed %1 event(s)</source>
        <translation>%1 Ereignis(se) entfernt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="192"/>
        <source>Station %1: %2 recorded up to seq %3 and before %4.</source>
        <translation>Station %1: %2 erfasst bis Seq. %3 und vor %4.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="196"/>
        <source>Older events are kept for: %1.</source>
        <translation>Ältere Ereignisse werden aufbewahrt für: %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="291"/>
        <source>a row the central database refused (seq %1; see `hmi sync quarantine`)</source>
        <translation>eine von der Zentraldatenbank abgelehnte Zeile (Seq. %1; siehe `hmi sync quarantine`)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="299"/>
        <location filename="../../hmi/services/upkeep.py" line="302"/>
        <source>%1 (since seq %2)</source>
        <translation>%1 (seit Seq. %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="346"/>
        <source>Pruning is off ([upkeep] retention_days = 0): nothing removed.</source>
        <translation>Bereinigen ist aus ([upkeep] retention_days = 0): nichts entfernt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="349"/>
        <source>This station has no central database, so its store is the only copy: nothing removed. Set [upkeep] prune_standalone = true to prune it anyway.</source>
        <translation>Diese Station hat keine Zentraldatenbank, ihr Speicher ist also die einzige Kopie: nichts entfernt. [upkeep] prune_standalone = true setzen, um trotzdem zu bereinigen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="419"/>
        <source>Events confirmed by the central database up to seq %1 and older than %2 day(s) removed from the station&apos;s store.</source>
        <translation>Von der Zentraldatenbank bis Seq. %1 bestätigte Ereignisse, älter als %2 Tag(e), aus dem Speicher der Station entfernt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="488"/>
        <source>The station using %1 is running (%2). Stop it first (e.g. `systemctl stop openmes-station`), then try again.</source>
        <translation>Die Station, die %1 verwendet, läuft (%2). Zuerst anhalten (z. B. `systemctl stop openmes-station`), dann erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="540"/>
        <source>%1: %2 MB, integrity %3, last seq %4 (station %5), schema %6, %7 s</source>
        <translation>%1: %2 MB, Integrität %3, letzte Seq. %4 (Station %5), Schema %6, %7 s</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="567"/>
        <source>There is no station store at %1: check --config/--data-dir.</source>
        <translation>Unter %1 gibt es keinen Stationsspeicher: --config/--data-dir prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="570"/>
        <source>The backup cannot overwrite the store itself: give another file with --out.</source>
        <translation>Die Sicherung kann den Speicher selbst nicht überschreiben: mit --out eine andere Datei angeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="587"/>
        <source>The backup of %1 failed: %2. Nothing was written to %3.</source>
        <translation>Die Sicherung von %1 ist fehlgeschlagen: %2. Nichts wurde nach %3 geschrieben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="593"/>
        <source>The copy of %1 failed its integrity check (%2); nothing was written. The store itself may be damaged: keep the last good backup.</source>
        <translation>Die Kopie von %1 hat die Integritätsprüfung nicht bestanden (%2); nichts wurde geschrieben. Der Speicher selbst ist vielleicht beschädigt: die letzte gute Sicherung aufbewahren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="616"/>
        <source>Restored %1 (station %2, last seq %3, schema %4).</source>
        <translation>%1 wiederhergestellt (Station %2, letzte Seq. %3, Schema %4).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="619"/>
        <source>The previous store is kept as %1.</source>
        <translation>Der vorherige Speicher bleibt als %1 erhalten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="621"/>
        <source>Events after the backup (up to seq %1) are not in it; the station continues numbering after %1 so no number is used twice.</source>
        <translation>Ereignisse nach der Sicherung (bis Seq. %1) sind nicht darin; die Station nummeriert nach %1 weiter, damit keine Nummer doppelt vergeben wird.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="642"/>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="644"/>
        <source>%1 is not an SQLite database (not made by `hmi backup`).</source>
        <translation>%1 ist keine SQLite-Datenbank (nicht mit `hmi backup` erstellt).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="650"/>
        <source>%1 cannot be read as a station store: %2.</source>
        <translation>%1 kann nicht als Stationsspeicher gelesen werden: %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="654"/>
        <source>%1 is damaged (integrity check: %2); use another backup.</source>
        <translation>%1 ist beschädigt (Integritätsprüfung: %2); eine andere Sicherung verwenden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="657"/>
        <source>%1 is not a station store (it has no schema version).</source>
        <translation>%1 ist kein Stationsspeicher (er hat keine Schemaversion).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="659"/>
        <source>%1 was written by a newer hmi (schema %2 is unknown to this version): update the station&apos;s software first, then restore.</source>
        <translation>%1 wurde von einer neueren hmi geschrieben (Schema %2 ist dieser Version unbekannt): zuerst die Software der Station aktualisieren, dann wiederherstellen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="664"/>
        <source>%1 is the store of station %2, not of %3: restore a backup of this station.</source>
        <translation>%1 ist der Speicher von Station %2, nicht von %3: eine Sicherung dieser Station wiederherstellen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/upkeep.py" line="716"/>
        <source>The copy of %1 failed its integrity check; the store was not changed.</source>
        <translation>Die Kopie von %1 hat die Integritätsprüfung nicht bestanden; der Speicher wurde nicht geändert.</translation>
    </message>
</context>
<context>
    <name>_BackScreen</name>
    <message>
        <location filename="../../hmi/views/main_window.py" line="748"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
</context>
<context>
    <name>alarms</name>
    <message>
        <location filename="../../hmi/services/alarms.py" line="349"/>
        <source>The stored alarms could not be read (%1). Restart the station; if it happens again, call maintenance.</source>
        <translation>Die gespeicherten Alarme konnten nicht gelesen werden (%1). Station neu starten; passiert es wieder, die Instandhaltung rufen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/alarms.py" line="403"/>
        <source>The alarm history could not be read (%1).</source>
        <translation>Die Alarmhistorie konnte nicht gelesen werden (%1).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/alarms.py" line="522"/>
        <source>An alarm could not be saved (%1). The list on screen is still right; tell maintenance.</source>
        <translation>Ein Alarm konnte nicht gespeichert werden (%1). Die Liste am Bildschirm stimmt trotzdem; der Instandhaltung Bescheid geben.</translation>
    </message>
</context>
<context>
    <name>andon</name>
    <message>
        <location filename="../../hmi/services/andon.py" line="79"/>
        <source>maintenance</source>
        <translation>Instandhaltung</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="80"/>
        <source>quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="81"/>
        <source>material</source>
        <translation>Material</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="82"/>
        <source>team lead</source>
        <translation>Teamleiter</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="83"/>
        <source>safety</source>
        <translation>Arbeitssicherheit</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="196"/>
        <source>&apos;%1&apos; cannot be called. Choose one of: %2.</source>
        <translation>&apos;%1&apos; kann nicht gerufen werden. Eines davon wählen: %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="199"/>
        <source>The reason is %1 characters long; keep it under %2.</source>
        <translation>Der Grund ist %1 Zeichen lang; unter %2 bleiben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="203"/>
        <source>A %1 call is already open since %2 (called by %3). Wait for the responder, or cancel that call first.</source>
        <translation>Ein Ruf %1 ist bereits seit %2 offen (gerufen von %3). Auf den Helfer warten oder zuerst diesen Ruf zurückziehen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="211"/>
        <source>This %1 call was cancelled at %2 by %3.</source>
        <translation>Dieser Ruf %1 wurde um %2 von %3 zurückgezogen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="213"/>
        <source>This %1 call was already resolved at %2 by %3.</source>
        <translation>Dieser Ruf %1 wurde bereits um %2 von %3 erledigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="220"/>
        <source>This call is not open at this station (any more). Look at the list of open calls.</source>
        <translation>Dieser Ruf ist an dieser Station nicht (mehr) offen. In die Liste der offenen Rufe schauen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="230"/>
        <source>%1 already answered this call at %2.</source>
        <translation>%1 hat diesen Ruf bereits um %2 angenommen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="233"/>
        <source>You made this call, so you cannot answer it. The responder identifies with their own badge and PIN; to withdraw the call, cancel it.</source>
        <translation>Sie haben diesen Ruf abgesetzt und können ihn daher nicht annehmen. Der Helfer meldet sich mit eigenem Ausweis und PIN; um den Ruf zurückzunehmen, ihn zurückziehen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="247"/>
        <source>Nobody has answered this call yet. The responder enters badge and PIN to close it.</source>
        <translation>Noch niemand hat diesen Ruf angenommen. Der Helfer gibt Ausweis und PIN ein, um ihn zu schließen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="250"/>
        <source>%1 answered this call; only they can close it with their badge alone. Anybody else enters badge and PIN.</source>
        <translation>%1 hat diesen Ruf angenommen; nur diese Person kann ihn allein mit dem Ausweis schließen. Alle anderen geben Ausweis und PIN ein.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="258"/>
        <source>Nobody is logged in. Log in with your badge to cancel a call.</source>
        <translation>Niemand ist angemeldet. Mit dem Ausweis anmelden, um einen Ruf zurückzuziehen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="264"/>
        <source>%1 may not cancel this call: only %2, who made it, or a team lead can.</source>
        <translation>%1 darf diesen Ruf nicht zurückziehen: nur %2, wer ihn abgesetzt hat, oder ein Teamleiter.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="292"/>
        <source>Station %1</source>
        <translation>Station %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="349"/>
        <source>The note is %1 characters long; keep it under %2.</source>
        <translation>Die Notiz ist %1 Zeichen lang; unter %2 bleiben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="352"/>
        <source>Enter your badge and PIN to close the call.</source>
        <translation>Ausweis und PIN eingeben, um den Ruf zu schließen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="476"/>
        <source>The open calls could not be read (%1). Restart the station; if it happens again, tell the team lead.</source>
        <translation>Die offenen Rufe konnten nicht gelesen werden (%1). Station neu starten; passiert es wieder, dem Teamleiter Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/andon.py" line="485"/>
        <source>The call could not be saved (%1). Try again; if it fails again, tell the team lead.</source>
        <translation>Der Ruf konnte nicht gespeichert werden (%1). Erneut versuchen; schlägt es wieder fehl, dem Teamleiter Bescheid geben.</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../hmi/app.py" line="183"/>
        <source>The process-value history could not be opened: %1. Live values are still shown; tell maintenance.</source>
        <translation>Die Prozesswerthistorie konnte nicht geöffnet werden: %1. Livewerte werden weiter angezeigt; der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/app.py" line="216"/>
        <source>The station database could not be opened: %1. Logins and recording are unavailable; call maintenance.</source>
        <translation>Die Stationsdatenbank konnte nicht geöffnet werden: %1. Anmelden und Erfassen sind nicht möglich; die Instandhaltung rufen.</translation>
    </message>
    <message>
        <location filename="../../hmi/app.py" line="231"/>
        <source>Downtime, alarms and KPIs could not be started: %1. Live values are still shown; call maintenance.</source>
        <translation>Stillstand, Alarme und Kennzahlen konnten nicht gestartet werden: %1. Livewerte werden weiter angezeigt; die Instandhaltung rufen.</translation>
    </message>
    <message>
        <location filename="../../hmi/app.py" line="417"/>
        <source>Stored stops could not be loaded: %1</source>
        <translation>Gespeicherte Stillstände konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/app.py" line="495"/>
        <source>Something went wrong: %1. The station keeps running; if it happens again, tell maintenance.</source>
        <translation>Etwas ist schiefgegangen: %1. Die Station läuft weiter; passiert es wieder, der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/station_core.py" line="116"/>
        <source>Could not save machine data: %1. Tell maintenance.</source>
        <translation>Maschinendaten konnten nicht gespeichert werden: %1. Der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/station_core.py" line="218"/>
        <source>The machine connection could not be started: %1</source>
        <translation>Die Maschinenverbindung konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/station_core.py" line="290"/>
        <source>[numbering] in the station file: %1. Serial numbers are made from the station id and the time until it is fixed.</source>
        <translation>[numbering] in der Stationsdatei: %1. Bis das behoben ist, werden Seriennummern aus Stations-ID und Uhrzeit gebildet.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/station_core.py" line="379"/>
        <source>Sync with the central database is off: %1. The station keeps everything and sends it once this is fixed.</source>
        <translation>Die Synchronisation mit der Zentraldatenbank ist aus: %1. Die Station behält alles und sendet es, sobald das behoben ist.</translation>
    </message>
</context>
<context>
    <name>audit</name>
    <message>
        <location filename="../../hmi/services/audit.py" line="704"/>
        <source>The free space for the audit trail cannot be checked (%1: %2). Ask IT to look at the station&apos;s disk.</source>
        <translation>Der freie Platz für den Audit-Trail kann nicht geprüft werden (%1: %2). Die IT bitten, die Festplatte der Station anzusehen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/audit.py" line="710"/>
        <source>Only %1 MB free on the disk that holds the station&apos;s records and audit trail (%2); at least %3 MB should be free. Delete old files there or ask IT for more space before the station stops recording.</source>
        <translation>Nur %1 MB frei auf der Festplatte mit den Aufzeichnungen und dem Audit-Trail der Station (%2); mindestens %3 MB sollten frei sein. Dort alte Dateien löschen oder die IT um mehr Platz bitten, bevor die Station nicht mehr erfassen kann.</translation>
    </message>
</context>
<context>
    <name>auth</name>
    <message>
        <location filename="../../hmi/services/auth.py" line="98"/>
        <source>Ask a team lead or an administrator</source>
        <translation>Einen Teamleiter oder Administrator fragen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/auth.py" line="120"/>
        <source>Badge %1 is not known at this station.</source>
        <translation>Ausweis %1 ist an dieser Station nicht bekannt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/auth.py" line="122"/>
        <source>No badge number was entered. Scan your badge or type its number.</source>
        <translation>Es wurde keine Ausweisnummer eingegeben. Ausweis scannen oder seine Nummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/auth.py" line="129"/>
        <source>Badge %1 is deactivated. %2.</source>
        <translation>Ausweis %1 ist deaktiviert. %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/auth.py" line="135"/>
        <source>No PIN has been set for badge %1 yet. %2 to set one.</source>
        <translation>Für Ausweis %1 ist noch keine PIN gesetzt. %2, um eine zu setzen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/auth.py" line="158"/>
        <source>Badge %1 is locked after %2 wrong PINs until %3. %4 if you need to log in sooner.</source>
        <translation>Ausweis %1 ist nach %2 falschen PINs gesperrt bis %3. %4, wenn Sie sich früher anmelden müssen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/auth.py" line="178"/>
        <source>A PIN has %1 to %2 digits (0–9).</source>
        <translation>Eine PIN hat %1 bis %2 Ziffern (0–9).</translation>
    </message>
</context>
<context>
    <name>downtime</name>
    <message>
        <location filename="../../hmi/services/downtime.py" line="332"/>
        <source>The shift calendar %1 named in [production] shift_calendar is not in the master data: breaks are not known, so no stop is counted as a break. Import the calendar or correct the station file.</source>
        <translation>Der in [production] shift_calendar genannte Schichtkalender %1 ist nicht in den Stammdaten: Pausen sind nicht bekannt, daher zählt kein Stillstand als Pause. Den Kalender importieren oder die Stationsdatei korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="347"/>
        <source>The shift calendar %1 cannot be used (%2): breaks are not known. Correct the master data.</source>
        <translation>Der Schichtkalender %1 ist nicht verwendbar (%2): Pausen sind nicht bekannt. Die Stammdaten korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="354"/>
        <source>Stops could not be loaded from the station database (%1): downtime is not recorded. Tell maintenance.</source>
        <translation>Stillstände konnten nicht aus der Stationsdatenbank geladen werden (%1): Stillstand wird nicht erfasst. Der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="380"/>
        <source>Stops cannot be detected: [downtime] detect = &quot;count&quot; needs an ideal cycle time. Set [production] ideal_cycle_time_s in the station file.</source>
        <translation>Stillstände können nicht erkannt werden: [downtime] detect = &quot;count&quot; braucht eine ideale Zykluszeit. [production] ideal_cycle_time_s in der Stationsdatei setzen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="529"/>
        <source>A stop could not be saved (%1). The list on screen is still right; tell maintenance.</source>
        <translation>Ein Stillstand konnte nicht gespeichert werden (%1). Die Liste am Bildschirm stimmt trotzdem; der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="568"/>
        <source>Your change to the stop was not saved (%1). Please try again; if it fails again, tell maintenance.</source>
        <translation>Ihre Änderung am Stillstand wurde nicht gespeichert (%1). Bitte erneut versuchen; schlägt es wieder fehl, der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="683"/>
        <source>Suggested from PLC fault %1</source>
        <translation>Vorschlag aus SPS-Störung %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="687"/>
        <source>Suggested: %1 ran out at %2</source>
        <translation>Vorschlag: %1 ging um %2 aus</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="719"/>
        <source>This stop is no longer known at the station (it may be older than a day). Refresh the list.</source>
        <translation>Dieser Stillstand ist an der Station nicht mehr bekannt (vielleicht älter als ein Tag). Liste aktualisieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="729"/>
        <source>The reason %1 is not in the reason tree. Choose a reason from the list.</source>
        <translation>Der Grund %1 ist nicht im Grundbaum. Einen Grund aus der Liste wählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="733"/>
        <source>&quot;%1&quot; is a group. Choose one of its reasons: %2.</source>
        <translation>&quot;%1&quot; ist eine Gruppe. Einen ihrer Gründe wählen: %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="736"/>
        <source>The reason &quot;%1&quot; needs a comment. Write what happened, then save again.</source>
        <translation>Der Grund &quot;%1&quot; braucht einen Kommentar. Schreiben, was passiert ist, dann erneut speichern.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="809"/>
        <source>The split time has no time zone.</source>
        <translation>Die Teilungszeit hat keine Zeitzone.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="811"/>
        <source>%1 is not inside the stop (%2 to %3). Choose a time after its start and before its end.</source>
        <translation>%1 liegt nicht im Stillstand (%2 bis %3). Eine Zeit nach seinem Beginn und vor seinem Ende wählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="814"/>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="852"/>
        <source>This stop was closed by maintenance at %1; nothing more can be logged on it.</source>
        <translation>Dieser Stillstand wurde um %1 von der Instandhaltung geschlossen; es kann nichts mehr darauf erfasst werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="863"/>
        <source>This stop was already acknowledged at %1 (badge %2).</source>
        <translation>Dieser Stillstand wurde bereits um %1 quittiert (Ausweis %2).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="880"/>
        <source>Acknowledge the stop first, then log the repair.</source>
        <translation>Zuerst den Stillstand quittieren, dann die Reparatur erfassen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="884"/>
        <source>Describe the repair: what was done.</source>
        <translation>Die Reparatur beschreiben: was wurde gemacht.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="890"/>
        <source>Part line %1 must name a part and a quantity.</source>
        <translation>Teilezeile %1 muss ein Teil und eine Menge nennen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="894"/>
        <source>Part line %1 has no part name.</source>
        <translation>Teilezeile %1 hat keinen Teilenamen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="897"/>
        <source>The quantity of %1 must be a number above 0, not %2.</source>
        <translation>Die Menge von %1 muss eine Zahl über 0 sein, nicht %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/downtime.py" line="920"/>
        <source>Log the repair before closing the stop.</source>
        <translation>Vor dem Schließen des Stillstands die Reparatur erfassen.</translation>
    </message>
</context>
<context>
    <name>genealogy</name>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="424"/>
        <source>All stations in this database (%1).</source>
        <translation>Alle Stationen in dieser Datenbank (%1).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="425"/>
        <source>This station only (%1): lots made at other stations are not followed; the central database traces across stations.</source>
        <translation>Nur diese Station (%1): an anderen Stationen gefertigte Chargen werden nicht verfolgt; die Zentraldatenbank verfolgt stationsübergreifend.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="428"/>
        <source>%1 lot(s) here were made elsewhere; their contents are not known at this station.</source>
        <translation>%1 Charge(n) hier wurden anderswo gefertigt; ihr Inhalt ist an dieser Station nicht bekannt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="629"/>
        <location filename="../../hmi/services/genealogy.py" line="889"/>
        <source>Unknown kind &apos;%1&apos;: trace a &apos;serial&apos; or a &apos;lot&apos;.</source>
        <translation>Unbekannte Art &apos;%1&apos;: eine &apos;serial&apos; oder ein &apos;lot&apos; verfolgen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="642"/>
        <source>&apos;%1&apos; is not known as a unit or lot here. Check the code (scan it again), or trace it at the central database if it was made at another station.</source>
        <translation>&apos;%1&apos; ist hier nicht als Einheit oder Charge bekannt. Den Code prüfen (erneut scannen) oder in der Zentraldatenbank verfolgen, falls an einer anderen Station gefertigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="647"/>
        <source>&apos;%1&apos; is both a serial number and a lot here; choose which one to trace.</source>
        <translation>&apos;%1&apos; ist hier sowohl Seriennummer als auch Charge; wählen, was verfolgt werden soll.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="700"/>
        <source>The trace has more than %1 links; only the first %1 are shown.</source>
        <translation>Die Rückverfolgung hat mehr als %1 Verknüpfungen; nur die ersten %1 werden gezeigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="769"/>
        <source>The trace is deeper than %1 levels; deeper contents are not shown.</source>
        <translation>Die Rückverfolgung ist tiefer als %1 Ebenen; tiefere Inhalte werden nicht gezeigt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="898"/>
        <source>lot</source>
        <translation>Charge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="898"/>
        <source>serial number</source>
        <translation>Seriennummer</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="899"/>
        <source>No %1 &apos;%2&apos; is known here. Check the code (scan it again), or trace it at the central database if it was used at another station.</source>
        <translation>Keine %1 &apos;%2&apos; ist hier bekannt. Den Code prüfen (erneut scannen) oder in der Zentraldatenbank verfolgen, falls an einer anderen Station verwendet.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="910"/>
        <source>Page %1 of size %2 does not exist; pages count from 0.</source>
        <translation>Seite %1 der Größe %2 existiert nicht; Seiten zählen ab 0.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="969"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="969"/>
        <source>Identifier</source>
        <translation>Kennung</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="969"/>
        <location filename="../../hmi/services/genealogy.py" line="1095"/>
        <source>Product</source>
        <translation>Produkt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="969"/>
        <location filename="../../hmi/services/genealogy.py" line="1095"/>
        <source>Order</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="970"/>
        <source>Station</source>
        <translation>Station</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="970"/>
        <source>Produced at</source>
        <translation>Gefertigt am</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="970"/>
        <source>Quantity</source>
        <translation>Menge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="970"/>
        <source>Unit</source>
        <translation>Einheit</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="971"/>
        <source>Disposition</source>
        <translation>Verwendungsentscheid</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="971"/>
        <source>Defect</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="971"/>
        <source>On hold</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="972"/>
        <source>Reached via</source>
        <translation>Erreicht über</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="972"/>
        <source>Went into</source>
        <translation>Ging in</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="979"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="984"/>
        <source>Recall report for %1</source>
        <translation>Rückrufbericht für %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="987"/>
        <source>Material</source>
        <translation>Material</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="989"/>
        <source>Supplier</source>
        <translation>Lieferant</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="992"/>
        <source>Expires</source>
        <translation>Verfällt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="994"/>
        <source>Affected</source>
        <translation>Betroffen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="994"/>
        <source>%1 units, %2 lots, %3 orders</source>
        <translation>%1 Einheiten, %2 Chargen, %3 Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="996"/>
        <source>Scope</source>
        <translation>Umfang</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="997"/>
        <source>Generated</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1040"/>
        <source>… (+%1 more, see CSV)</source>
        <translation>… (+%1 weitere, siehe CSV)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1067"/>
        <source>Recall report: %1 %2</source>
        <translation>Rückrufbericht: %1 %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1091"/>
        <source>Orders</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1095"/>
        <source>Units</source>
        <translation>Einheiten</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1096"/>
        <source>Lots</source>
        <translation>Chargen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1096"/>
        <source>Scrapped</source>
        <translation>Verschrottet</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1096"/>
        <source>First</source>
        <translation>Erste</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1097"/>
        <source>Last</source>
        <translation>Letzte</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1097"/>
        <source>Stations</source>
        <translation>Stationen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/genealogy.py" line="1104"/>
        <source>Affected units and lots</source>
        <translation>Betroffene Einheiten und Chargen</translation>
    </message>
</context>
<context>
    <name>holds</name>
    <message>
        <location filename="../../hmi/services/holds.py" line="126"/>
        <location filename="../../hmi/services/holds.py" line="1058"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="131"/>
        <source>the system</source>
        <translation>das System</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="133"/>
        <source>badge %1</source>
        <translation>Ausweis %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="577"/>
        <source>Quality holds could not be loaded from the station database (%1): orders cannot be started until they are. Tell maintenance.</source>
        <translation>Qualitätssperren konnten nicht aus der Stationsdatenbank geladen werden (%1): Aufträge können erst danach gestartet werden. Der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="641"/>
        <source>The quality holds are not loaded yet.</source>
        <translation>Die Qualitätssperren sind noch nicht geladen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="642"/>
        <source>Wait a moment and try again; if this stays, tell maintenance.</source>
        <translation>Einen Moment warten und erneut versuchen; bleibt es so, der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="649"/>
        <source>Quality hold on %1: %2 (placed by %3, %4).</source>
        <translation>Qualitätssperre auf %1: %2 (gesetzt von %3, %4).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="652"/>
        <source>A team lead must release the hold with their signature before order %1 can run; the person who placed it cannot release it.</source>
        <translation>Ein Teamleiter muss die Sperre mit seiner Signatur aufheben, bevor Auftrag %1 laufen kann; wer sie gesetzt hat, kann sie nicht aufheben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="683"/>
        <source>A hold is placed on an order, a lot or a serial number, not on &apos;%1&apos;.</source>
        <translation>Eine Sperre gilt für einen Auftrag, eine Charge oder eine Seriennummer, nicht für &apos;%1&apos;.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="687"/>
        <source>Say which %1 is put on hold (scan or type its number).</source>
        <translation>Angeben, welche %1 gesperrt wird (ihre Nummer scannen oder eingeben).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="690"/>
        <source>&apos;%1…&apos; is too long for a %2 number (at most %3 characters). Check the scan.</source>
        <translation>&apos;%1…&apos; ist zu lang für eine %2-Nummer (höchstens %3 Zeichen). Den Scan prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="694"/>
        <source>Say why %1 %2 is put on hold, then place the hold again.</source>
        <translation>Angeben, warum %1 %2 gesperrt wird, dann die Sperre erneut setzen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="697"/>
        <source>The hold reason is too long (%1 characters; at most %2). Put details in the comment.</source>
        <translation>Der Sperrgrund ist zu lang (%1 Zeichen; höchstens %2). Details in den Kommentar schreiben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="702"/>
        <source>A hold on order %1 cannot name another order (%2).</source>
        <translation>Eine Sperre auf Auftrag %1 kann keinen anderen Auftrag nennen (%2).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="706"/>
        <source>The order number is too long (at most %1 characters).</source>
        <translation>Die Auftragsnummer ist zu lang (höchstens %1 Zeichen).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="710"/>
        <source>%1 is already on hold (%2, placed by %3).</source>
        <translation>%1 ist bereits gesperrt (%2, gesetzt von %3).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="723"/>
        <source>%1 put on hold: %2</source>
        <translation>%1 gesperrt: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="729"/>
        <source>The hold on %1 was not saved (%2). Place it again; if it fails again, tell maintenance.</source>
        <translation>Die Sperre auf %1 wurde nicht gespeichert (%2). Erneut setzen; schlägt es wieder fehl, der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="756"/>
        <source>The hold on %1 was released already.</source>
        <translation>Die Sperre auf %1 wurde bereits aufgehoben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="757"/>
        <source>There is no open hold %1 at this station. Reload the holds.</source>
        <translation>An dieser Station gibt es keine offene Sperre %1. Die Sperren neu laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="761"/>
        <source>Say why the hold on %1 may be released (what was checked or decided), then sign again.</source>
        <translation>Angeben, warum die Sperre auf %1 aufgehoben werden darf (was geprüft oder entschieden wurde), dann erneut signieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="765"/>
        <source>%1 placed this hold and cannot release it. Another team lead must sign the release.</source>
        <translation>%1 hat diese Sperre gesetzt und kann sie nicht aufheben. Ein anderer Teamleiter muss die Aufhebung signieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="779"/>
        <source>%1 placed this hold and cannot release it.</source>
        <translation>%1 hat diese Sperre gesetzt und kann sie nicht aufheben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="786"/>
        <source>%1 released by %2</source>
        <translation>%1 aufgehoben von %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="819"/>
        <source>A disposition is for an order, a lot, a serial number or an inspection result, not for &apos;%1&apos;.</source>
        <translation>Ein Verwendungsentscheid gilt für einen Auftrag, eine Charge, eine Seriennummer oder ein Prüfergebnis, nicht für &apos;%1&apos;.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="823"/>
        <source>Say which %1 the disposition is for (at most %2 characters).</source>
        <translation>Angeben, für welche %1 der Verwendungsentscheid gilt (höchstens %2 Zeichen).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="827"/>
        <source>Choose scrap, rework, use as is or return to supplier, not &apos;%1&apos;.</source>
        <translation>Verschrotten, Nacharbeit, Sonderfreigabe oder Rücksendung an den Lieferanten wählen, nicht &apos;%1&apos;.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="835"/>
        <source>The quantity must be a whole number of units above zero, not &apos;%1&apos;.</source>
        <translation>Die Menge muss eine ganze Zahl von Einheiten über null sein, nicht &apos;%1&apos;.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="841"/>
        <source>A disposition for order %1 cannot name another order (%2).</source>
        <translation>Ein Verwendungsentscheid für Auftrag %1 kann keinen anderen Auftrag nennen (%2).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="849"/>
        <source>There is no hold %1 at this station.</source>
        <translation>An dieser Station gibt es keine Sperre %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="854"/>
        <source>A concession (use as is) needs a comment saying why the units are acceptable, then sign again.</source>
        <translation>Eine Sonderfreigabe braucht einen Kommentar, warum die Einheiten annehmbar sind, dann erneut signieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="862"/>
        <location filename="../../hmi/services/holds.py" line="867"/>
        <source>A serial number is one unit: the quantity must be 1.</source>
        <translation>Eine Seriennummer ist eine Einheit: die Menge muss 1 sein.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="870"/>
        <source>Serial %1 is not on hold here, so it has no disposition to give. Place a hold or name its order.</source>
        <translation>Seriennummer %1 ist hier nicht gesperrt und braucht daher keinen Verwendungsentscheid. Eine Sperre setzen oder ihren Auftrag nennen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="902"/>
        <source>%1 × %2 of %3, approved by %4</source>
        <translation>%1 × %2 von %3, genehmigt von %4</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="957"/>
        <source>There is no inspection result %1 at this station.</source>
        <translation>An dieser Station gibt es kein Prüfergebnis %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="960"/>
        <source>Inspection result %1 passed; only a failed check gets a disposition.</source>
        <translation>Prüfergebnis %1 ist i.O.; nur eine n.i.O.-Prüfung bekommt einen Verwendungsentscheid.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="966"/>
        <source>Lot %1 is not on hold here, so it has no disposition to give. Place a hold or name its order.</source>
        <translation>Charge %1 ist hier nicht gesperrt und braucht daher keinen Verwendungsentscheid. Eine Sperre setzen oder ihren Auftrag nennen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="977"/>
        <source>The quantity of lot %1 is not known at this station. Name the order the lot belongs to.</source>
        <translation>Die Menge von Charge %1 ist an dieser Station nicht bekannt. Den Auftrag nennen, zu dem die Charge gehört.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="983"/>
        <source>The quality holds are being loaded. Try again in a moment.</source>
        <translation>Die Qualitätssperren werden geladen. Gleich erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="1055"/>
        <source>the suspect units of order %1</source>
        <translation>die verdächtigen Einheiten von Auftrag %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="1057"/>
        <source>the units of failed inspection %1</source>
        <translation>die Einheiten der n.i.O.-Prüfung %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/holds.py" line="1062"/>
        <source>%1 units cannot get a disposition: %2 has only %3 undecided. Enter at most %3.</source>
        <translation>%1 Einheiten können keinen Verwendungsentscheid bekommen: %2 hat nur %3 offene. Höchstens %3 eingeben.</translation>
    </message>
</context>
<context>
    <name>inspections</name>
    <message>
        <location filename="../../hmi/services/inspections.py" line="249"/>
        <source>The inspection plan %1 has no characteristic %2.</source>
        <translation>Der Prüfplan %1 hat kein Merkmal %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="349"/>
        <source>Inspection plan %1 has no released version. Ask quality to release it.</source>
        <translation>Prüfplan %1 hat keine freigegebene Version. Die Qualität bitten, ihn freizugeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="556"/>
        <source>Order %1 is not known at this station.</source>
        <translation>Auftrag %1 ist an dieser Station nicht bekannt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="862"/>
        <source>Overdue inspection(s): %1.</source>
        <translation>Überfällige Prüfung(en): %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="863"/>
        <source>Record them on the Inspections screen first.</source>
        <translation>Zuerst auf der Seite Prüfungen erfassen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="865"/>
        <source>%1 part(s) made meanwhile count as suspect until they get a disposition.</source>
        <translation>%1 inzwischen gefertigte(s) Teil(e) gelten als verdächtig, bis sie einen Verwendungsentscheid haben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="904"/>
        <location filename="../../hmi/services/inspections.py" line="1166"/>
        <source>SPC alarm on %1: %2</source>
        <translation>SPC-Alarm bei %1: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="915"/>
        <source>Capability is computed for measured characteristics only; %1 is not one.</source>
        <translation>Die Prozessfähigkeit wird nur für gemessene Merkmale berechnet; %1 ist keines.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="923"/>
        <source>No capability for %1 yet: %2.</source>
        <translation>Noch keine Prozessfähigkeit für %1: %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="928"/>
        <source>No inspection plan is open. Start or select an order first.</source>
        <translation>Kein Prüfplan offen. Zuerst einen Auftrag starten oder auswählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="939"/>
        <source>Scan the gauge you measure %1 with (a %2).</source>
        <translation>Das Prüfmittel scannen, mit dem Sie %1 messen (ein %2).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="944"/>
        <source>%1 is not a known gauge. Scan the label on the gauge itself, or ask quality.</source>
        <translation>%1 ist kein bekanntes Prüfmittel. Das Etikett am Prüfmittel selbst scannen oder die Qualität fragen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="947"/>
        <source>Gauge %1 is a %2; %3 must be measured with a %4. Take the right gauge.</source>
        <translation>Prüfmittel %1 ist ein %2; %3 muss mit einem %4 gemessen werden. Das richtige Prüfmittel nehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="952"/>
        <source>Gauge %1 was due for calibration on %2; it cannot be used. Take another gauge or ask quality.</source>
        <translation>Prüfmittel %1 war am %2 zur Kalibrierung fällig; es darf nicht verwendet werden. Ein anderes Prüfmittel nehmen oder die Qualität fragen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="969"/>
        <source>%1 is measured; defect counts belong to attribute checks.</source>
        <translation>%1 wird gemessen; Fehleranzahlen gehören zu attributiven Prüfungen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="972"/>
        <source>%1 needs %2 value(s) per inspection; %3 were entered. Measure %2 parts.</source>
        <translation>%1 braucht %2 Wert(e) pro Prüfung; %3 wurden eingegeben. %2 Teile messen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="990"/>
        <source>Value %1: </source>
        <translation>Wert %1: </translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="996"/>
        <location filename="../../hmi/services/inspections.py" line="1003"/>
        <source>The quantity inspected must be at least 1.</source>
        <translation>Die geprüfte Menge muss mindestens 1 sein.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1008"/>
        <source>%1 is not a defect code of %2 (use one of: %3).</source>
        <translation>%1 ist kein Fehlercode von %2 (einen davon verwenden: %3).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1012"/>
        <source>The count of %1 must be a whole number of 0 or more.</source>
        <translation>Die Anzahl von %1 muss eine ganze Zahl von 0 oder mehr sein.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1018"/>
        <source>An attribute check takes one count (defects or defective parts).</source>
        <translation>Eine attributive Prüfung nimmt eine Anzahl (Fehler oder fehlerhafte Teile).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1022"/>
        <source>“%1” is not a count. Enter a whole number, e.g. 0 or 2.</source>
        <translation>„%1“ ist keine Anzahl. Eine ganze Zahl eingeben, z. B. 0 oder 2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1026"/>
        <source>The count %1 does not match the defects listed (%2). Correct one of them.</source>
        <translation>Die Anzahl %1 passt nicht zu den aufgeführten Fehlern (%2). Eines davon korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1032"/>
        <source>%1 defective parts is more than the %2 inspected.</source>
        <translation>%1 fehlerhafte Teile sind mehr als die %2 geprüften.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1035"/>
        <source>%1 is charted with a fixed sample of %2 parts; inspect %2.</source>
        <translation>%1 wird mit fester Stichprobe von %2 Teilen geführt; %2 prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1037"/>
        <source>No defects.</source>
        <translation>Keine Fehler.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1038"/>
        <source>%1 defect(s) found.</source>
        <translation>%1 Fehler gefunden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1043"/>
        <location filename="../../hmi/services/inspections.py" line="1049"/>
        <source>Answer %1 with OK or not OK.</source>
        <translation>%1 mit i.O. oder n.i.O. beantworten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1046"/>
        <source>OK</source>
        <translation>i.O.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1048"/>
        <source>Not OK</source>
        <translation>n.i.O.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1149"/>
        <source>There is no result %1 to re-measure.</source>
        <translation>Es gibt kein Ergebnis %1 zum Nachmessen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1153"/>
        <source>There is no result %1 of %2 to re-measure.</source>
        <translation>Es gibt kein Ergebnis %1 von %2 zum Nachmessen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1158"/>
        <source>That result was already re-measured; re-measure the newest one.</source>
        <translation>Dieses Ergebnis wurde bereits nachgemessen; das neueste nachmessen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1191"/>
        <source>%1 has no control chart in its plan; there are no limits to freeze.</source>
        <translation>%1 hat in seinem Plan keine Regelkarte; es gibt keine Grenzen zum Einfrieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1195"/>
        <source>Say why these limits are frozen (e.g. “baseline after die change”).</source>
        <translation>Angeben, warum diese Grenzen eingefroren werden (z. B. „Basis nach Werkzeugwechsel“).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1199"/>
        <source>A result is listed twice in the baseline.</source>
        <translation>Ein Ergebnis steht zweimal in der Basis.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1251"/>
        <source>%1 is not a result id.</source>
        <translation>%1 ist keine Ergebnis-ID.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1257"/>
        <source>%1 baseline result(s) are not results of %2: %3.</source>
        <translation>%1 Basisergebnis(se) sind keine Ergebnisse von %2: %3.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1262"/>
        <source>%1 baseline result(s) were re-measured; choose the re-measurements instead.</source>
        <translation>%1 Basisergebnis(se) wurden nachgemessen; stattdessen die Nachmessungen wählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspections.py" line="1296"/>
        <source>These results cannot give control limits: %1. Choose other results.</source>
        <translation>Aus diesen Ergebnissen lassen sich keine Eingriffsgrenzen bilden: %1. Andere Ergebnisse wählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="67"/>
        <source>Enter the measured value.</source>
        <translation>Den Messwert eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="71"/>
        <source>“%1” is not a number. Enter digits, e.g. 12.05.</source>
        <translation>„%1“ ist keine Zahl. Ziffern eingeben, z. B. 12.05.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="74"/>
        <source>“%1” is not a measurement.</source>
        <translation>„%1“ ist kein Messwert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="78"/>
        <source>%1 is impossible here (it cannot be below %2). Check the value and enter it again.</source>
        <translation>%1 ist hier unmöglich (kann nicht unter %2 liegen). Den Wert prüfen und erneut eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="82"/>
        <source>%1 is impossible here (it cannot be above %2). Check the value and enter it again.</source>
        <translation>%1 ist hier unmöglich (kann nicht über %2 liegen). Den Wert prüfen und erneut eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="88"/>
        <source>%1 has more digits than the gauge resolves (%2 steps). Read the gauge again, or scan the gauge you really used.</source>
        <translation>%1 hat mehr Stellen, als das Prüfmittel auflöst (Schritte von %2). Das Prüfmittel erneut ablesen oder das tatsächlich verwendete Prüfmittel scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="94"/>
        <source>%1 is BELOW the lower limit %2 by %3.</source>
        <translation>%1 liegt UNTER der unteren Grenze %2, um %3.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="99"/>
        <source>%1 is ABOVE the upper limit %2 by %3.</source>
        <translation>%1 liegt ÜBER der oberen Grenze %2, um %3.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/inspection_entry.py" line="102"/>
        <source>%1 is within the specification.</source>
        <translation>%1 liegt innerhalb der Spezifikation.</translation>
    </message>
</context>
<context>
    <name>instructions</name>
    <message>
        <location filename="../../hmi/services/instructions.py" line="163"/>
        <source>There is no step %1 in this instruction.</source>
        <translation>In dieser Anweisung gibt es keinen Schritt %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="178"/>
        <source>Enter a value first.</source>
        <translation>Zuerst einen Wert eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="183"/>
        <source>“%1” is not a number. Enter digits only, e.g. 12.5.</source>
        <translation>„%1“ ist keine Zahl. Nur Ziffern eingeben, z. B. 12.5.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="186"/>
        <source>“%1” is not a usable value.</source>
        <translation>„%1“ ist kein verwendbarer Wert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="194"/>
        <source>%1 is</source>
        <translation>%1 ist</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="194"/>
        <source>The machine reads %1,</source>
        <translation>Die Maschine zeigt %1,</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="197"/>
        <source>below the minimum %2. Check the part and the measurement; call the team lead if it is right.</source>
        <translation>unter dem Minimum %2. Teil und Messung prüfen; stimmt es, den Teamleiter rufen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="202"/>
        <source>above the maximum %2. Check the part and the measurement; call the team lead if it is right.</source>
        <translation>über dem Maximum %2. Teil und Messung prüfen; stimmt es, den Teamleiter rufen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="211"/>
        <source>No current value from the machine for %1. Check the machine link (header) and try again.</source>
        <translation>Kein aktueller Wert von der Maschine für %1. Die Maschinenverbindung (Kopfzeile) prüfen und erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="216"/>
        <source>The machine value %1 is not a number.</source>
        <translation>Der Maschinenwert %1 ist keine Zahl.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="228"/>
        <source>The scan was empty. Scan the label again.</source>
        <translation>Der Scan war leer. Das Etikett erneut scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="233"/>
        <source>%1 is not a known tool or fixture. Scan the label on the tool itself.</source>
        <translation>%1 ist kein bekanntes Werkzeug und keine bekannte Vorrichtung. Das Etikett am Werkzeug selbst scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="238"/>
        <source>Wrong tool: %1 is a %2, this step needs a %3. Fetch the right tool.</source>
        <translation>Falsches Werkzeug: %1 ist ein %2, dieser Schritt braucht ein %3. Das richtige Werkzeug holen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="244"/>
        <source>Wrong tool: %1 (%2) is not on this operation&apos;s tool list.</source>
        <translation>Falsches Werkzeug: %1 (%2) steht nicht auf der Werkzeugliste dieses Arbeitsgangs.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="250"/>
        <source>Wrong part: scanned %1, this step needs %2. Put the part back and take %2.</source>
        <translation>Falsches Teil: %1 gescannt, dieser Schritt braucht %2. Das Teil zurücklegen und %2 nehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="254"/>
        <source>Wrong part: %1 is not in this order&apos;s bill of material.</source>
        <translation>Falsches Teil: %1 ist nicht in der Stückliste dieses Auftrags.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="335"/>
        <source>Order %1 is not known at this station.</source>
        <translation>Auftrag %1 ist an dieser Station nicht bekannt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="356"/>
        <source>Work instruction %1 has no released version. Ask the process engineer to release it.</source>
        <translation>Arbeitsanweisung %1 hat keine freigegebene Version. Den Prozessingenieur bitten, sie freizugeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="380"/>
        <source>No work instruction is open. Start or select an order first.</source>
        <translation>Keine Arbeitsanweisung offen. Zuerst einen Auftrag starten oder auswählen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="395"/>
        <source>This step needs a team lead&apos;s sign-off. Tap “Sign off” and let the team lead sign.</source>
        <translation>Dieser Schritt braucht die Abzeichnung eines Teamleiters. „Abzeichnen“ antippen und den Teamleiter signieren lassen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="407"/>
        <source>Enter the text first.</source>
        <translation>Zuerst den Text eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="437"/>
        <source>This step is mandatory and cannot be skipped.</source>
        <translation>Dieser Schritt ist Pflicht und kann nicht übersprungen werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="440"/>
        <source>Say why the step is skipped.</source>
        <translation>Angeben, warum der Schritt übersprungen wird.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="455"/>
        <source>Signatures are not available at this station.</source>
        <translation>Signaturen sind an dieser Station nicht verfügbar.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/instructions.py" line="494"/>
        <source>%1 mandatory instruction step(s) are still open: %2. Finish them on the Instructions screen.</source>
        <translation>%1 Pflichtschritt(e) der Anweisung sind noch offen: %2. Auf der Seite Anweisungen abschließen.</translation>
    </message>
</context>
<context>
    <name>kpi</name>
    <message>
        <location filename="../../hmi/services/kpi.py" line="66"/>
        <source>%1 (%2) has no time zone; KPI inputs must be timezone-aware UTC times.</source>
        <translation>%1 (%2) hat keine Zeitzone; Kennzahl-Eingaben müssen UTC-Zeiten mit Zeitzone sein.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="140"/>
        <source>Count records mix times with and without a time zone; pass timezone-aware UTC times.</source>
        <translation>Zählwerte mischen Zeiten mit und ohne Zeitzone; UTC-Zeiten mit Zeitzone übergeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="152"/>
        <source>The count at %1 has good=%2, scrap=%3; counts are increments and must not be negative.</source>
        <translation>Die Zählung um %1 hat gut=%2, Ausschuss=%3; Zählungen sind Zuwächse und dürfen nicht negativ sein.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="332"/>
        <source>The window ends (%1) before it starts (%2).</source>
        <translation>Das Zeitfenster endet (%1) vor seinem Beginn (%2).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="335"/>
        <source>The start-up window must be 0 s or longer, not %1 s.</source>
        <translation>Das Anlauffenster muss 0 s oder länger sein, nicht %1 s.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="386"/>
        <source>No ideal cycle time is set for this product, so performance and OEE cannot be computed. Set the product&apos;s ideal cycle time in the master data.</source>
        <translation>Für dieses Produkt ist keine ideale Zykluszeit gesetzt, daher lassen sich Leistung und OEE nicht berechnen. Die ideale Zykluszeit des Produkts in den Stammdaten setzen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="409"/>
        <source>Performance is %1 %, above 100 %: the ideal cycle time of %2 s is probably too long (the machine made parts faster than that). Check the product&apos;s ideal cycle time in the master data.</source>
        <translation>Die Leistung ist %1 %, über 100 %: die ideale Zykluszeit von %2 s ist wohl zu lang (die Maschine hat schneller gefertigt). Die ideale Zykluszeit des Produkts in den Stammdaten prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="414"/>
        <source>%1 parts were counted while the machine had no run time (the whole window is planned or unplanned stop time). Check the stop records and the shift calendar.</source>
        <translation>%1 Teile wurden gezählt, während die Maschine keine Laufzeit hatte (das ganze Fenster ist geplanter oder ungeplanter Stillstand). Stillstandsaufzeichnungen und Schichtkalender prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="422"/>
        <source>Breakdowns (unplanned stops)</source>
        <translation>Ausfälle (ungeplante Stillstände)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="424"/>
        <source>Setup and adjustments (planned stops)</source>
        <translation>Rüsten und Einstellen (geplante Stillstände)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="426"/>
        <source>Small stops (micro-stops)</source>
        <translation>Kurzstillstände</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="427"/>
        <location filename="../../hmi/services/kpi.py" line="534"/>
        <source>Slow cycles</source>
        <translation>Langsame Zyklen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="428"/>
        <location filename="../../hmi/services/kpi.py" line="542"/>
        <source>Production rejects</source>
        <translation>Produktionsausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="429"/>
        <location filename="../../hmi/services/kpi.py" line="543"/>
        <source>Start-up rejects</source>
        <translation>Anlaufausschuss</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="516"/>
        <source>All time</source>
        <translation>Gesamtzeit</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="517"/>
        <source>Not scheduled</source>
        <translation>Nicht eingeplant</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="518"/>
        <source>Planned breaks</source>
        <translation>Geplante Pausen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="520"/>
        <source>Setup and adjustments</source>
        <translation>Rüsten und Einstellen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="523"/>
        <source>Planned production time</source>
        <translation>Geplante Produktionszeit</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="527"/>
        <source>Breakdowns</source>
        <translation>Ausfälle</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="528"/>
        <source>Run time</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="533"/>
        <source>Small stops</source>
        <translation>Kurzstillstände</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="537"/>
        <source>Faster than ideal (check the ideal cycle time)</source>
        <translation>Schneller als ideal (ideale Zykluszeit prüfen)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="541"/>
        <source>Net run time</source>
        <translation>Nettolaufzeit</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="544"/>
        <source>Fully productive time</source>
        <translation>Voll produktive Zeit</translation>
    </message>
    <message>
        <location filename="../../hmi/services/kpi.py" line="572"/>
        <source>Pareto by &apos;%1&apos; is not possible; use &apos;seconds&apos; or &apos;count&apos;.</source>
        <translation>Pareto nach &apos;%1&apos; ist nicht möglich; &apos;seconds&apos; oder &apos;count&apos; verwenden.</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="220"/>
        <location filename="../../hmi/services/labels.py" line="93"/>
        <source>Serial</source>
        <translation>Seriennummer</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="220"/>
        <location filename="../../hmi/services/labels.py" line="93"/>
        <source>Lot</source>
        <translation>Charge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="220"/>
        <source>Qty</source>
        <translation>Menge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="221"/>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="221"/>
        <source>Order</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="221"/>
        <source>Use by</source>
        <translation>Verbrauchen bis</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="233"/>
        <source>The label printer address %1 is not host:port (for example 10.0.0.5:9100). Correct [labels] printer in the station file.</source>
        <translation>Die Adresse des Etikettendruckers %1 ist nicht Host:Port (zum Beispiel 10.0.0.5:9100). [labels] printer in der Stationsdatei korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="297"/>
        <source>Label %1: %2</source>
        <translation>Etikett %1: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="350"/>
        <source>Label data could not be read: %1. Labels wait until it can; tell maintenance.</source>
        <translation>Etikettendaten konnten nicht gelesen werden: %1. Die Etiketten warten, bis es geht; der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="417"/>
        <source>No label for %1: %2</source>
        <translation>Kein Etikett für %1: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="447"/>
        <source>No label for %1: product %2 is not in the master data. Import it, then reprint the label.</source>
        <translation>Kein Etikett für %1: Produkt %2 ist nicht in den Stammdaten. Importieren, dann das Etikett nachdrucken.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="460"/>
        <source>%1 label(s) for produced units</source>
        <translation>%1 Etikett(en) für produzierte Einheiten</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="469"/>
        <source>No lot number given. Scan or type the lot number.</source>
        <translation>Keine Chargennummer angegeben. Die Chargennummer scannen oder eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="477"/>
        <source>Quantity %1 is not a count above zero.</source>
        <translation>Menge %1 ist keine Anzahl über null.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="485"/>
        <source>No serial or lot number given. Scan the label or type the number.</source>
        <translation>Keine Serien- oder Chargennummer angegeben. Das Etikett scannen oder die Nummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="499"/>
        <source>Label for %1 %2 queued (%3).</source>
        <translation>Etikett für %1 %2 eingereiht (%3).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="506"/>
        <source>%1 label for %2</source>
        <translation>%1-Etikett für %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="513"/>
        <source>The label for %1 could not be made: %2</source>
        <translation>Das Etikett für %1 konnte nicht erstellt werden: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="518"/>
        <source>printer %1</source>
        <translation>Drucker %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="519"/>
        <source>%1 file</source>
        <translation>%1-Datei</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="531"/>
        <source>Product %1 is not in the master data, so its label cannot be made. Import the product first.</source>
        <translation>Produkt %1 ist nicht in den Stammdaten, daher kann sein Etikett nicht erstellt werden. Zuerst das Produkt importieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="549"/>
        <source>No unit or lot %1 was made at this station. Check the number (scan the label, or type it as printed).</source>
        <translation>An dieser Station wurde keine Einheit oder Charge %1 gefertigt. Die Nummer prüfen (Etikett scannen oder wie gedruckt eingeben).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="555"/>
        <source>Unit %1 was booked as scrap; scrap gets no label.</source>
        <translation>Einheit %1 wurde als Ausschuss gebucht; Ausschuss bekommt kein Etikett.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="578"/>
        <source>Lot %1 is not known here and order %2 names no product. Check the lot number.</source>
        <translation>Charge %1 ist hier nicht bekannt und Auftrag %2 nennt kein Produkt. Die Chargennummer prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="584"/>
        <source>Lot %1 has no good units yet, so there is nothing to label.</source>
        <translation>Charge %1 hat noch keine Gutteile, es gibt also nichts zu etikettieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="596"/>
        <source>sent again: %1</source>
        <translation>erneut gesendet: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="605"/>
        <source>confirmed printed by a person: %1</source>
        <translation>von einer Person als gedruckt bestätigt: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="610"/>
        <source>There is no print job %1.</source>
        <translation>Es gibt keinen Druckauftrag %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/label_jobs.py" line="626"/>
        <source>The label for %1 is queued, but it could not be recorded in the audit trail: %2. Tell maintenance.</source>
        <translation>Das Etikett für %1 ist eingereiht, konnte aber nicht im Audit-Trail erfasst werden: %2. Der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="109"/>
        <source>GTIN &apos;%1&apos; is not 8, 12, 13 or 14 digits. Correct the product&apos;s GTIN in the master data.</source>
        <translation>GTIN &apos;%1&apos; hat nicht 8, 12, 13 oder 14 Ziffern. Die GTIN des Produkts in den Stammdaten korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="117"/>
        <source>GTIN %1 has check digit %2, but %3 is correct. Correct the product&apos;s GTIN in the master data.</source>
        <translation>GTIN %1 hat die Prüfziffer %2, richtig ist %3. Die GTIN des Produkts in den Stammdaten korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="144"/>
        <source>The label has no serial or lot number. Book the unit first, then print.</source>
        <translation>Das Etikett hat keine Serien- oder Chargennummer. Zuerst die Einheit buchen, dann drucken.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="147"/>
        <source>The label has no product code.</source>
        <translation>Das Etikett hat keine Produktnummer.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="151"/>
        <source>Quantity &apos;%1&apos; is not a number.</source>
        <translation>Menge &apos;%1&apos; ist keine Zahl.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="153"/>
        <source>Quantity %1 must be more than zero.</source>
        <translation>Menge %1 muss größer als null sein.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="165"/>
        <source>%1 &apos;%2&apos; cannot go into a GS1 barcode: at most 20 characters of letters, digits and - . / _ etc., no spaces.</source>
        <translation>%1 &apos;%2&apos; passt nicht in einen GS1-Barcode: höchstens 20 Zeichen aus Buchstaben, Ziffern und - . / _ usw., keine Leerzeichen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="198"/>
        <source>Product %1 has no GTIN, so its label cannot carry a GS1 barcode.</source>
        <translation>Produkt %1 hat keine GTIN, daher kann sein Etikett keinen GS1-Barcode tragen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="215"/>
        <source>Net weight %1 kg does not fit GS1 AI 310n (six digits).</source>
        <translation>Nettogewicht %1 kg passt nicht in GS1 AI 310n (sechs Ziffern).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="221"/>
        <source>Quantity %1 %2 is not a whole count of at most 8 digits, so it cannot go into GS1 AI 30. Use kg or a whole count.</source>
        <translation>Menge %1 %2 ist keine ganze Stückzahl mit höchstens 8 Ziffern und passt daher nicht in GS1 AI 30. kg oder eine ganze Stückzahl verwenden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="239"/>
        <source>%1 &apos;%2&apos; has characters Code 128 cannot carry.</source>
        <translation>%1 &apos;%2&apos; enthält Zeichen, die Code 128 nicht darstellen kann.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/labels.py" line="380"/>
        <source>The number of copies must be at least 1.</source>
        <translation>Die Anzahl der Kopien muss mindestens 1 sein.</translation>
    </message>
</context>
<context>
    <name>materials</name>
    <message>
        <location filename="../../hmi/services/materials.py" line="252"/>
        <source>Materials could not be loaded: %1. Starts stay blocked until they are; tell maintenance.</source>
        <translation>Material konnte nicht geladen werden: %1. Starts bleiben gesperrt, bis es geladen ist; der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="422"/>
        <source>%1 unit(s) of %2 recovered from the machine counts after a restart</source>
        <translation>%1 Einheit(en) von %2 nach einem Neustart aus den Maschinenzählern wiederhergestellt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="452"/>
        <source>The materials on the station are still being loaded.</source>
        <translation>Das Material an der Station wird noch geladen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="453"/>
        <source>Wait a moment and try again.</source>
        <translation>Einen Moment warten und erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="457"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="457"/>
        <source>not loaded</source>
        <translation>nicht gerüstet</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="458"/>
        <source>lot %1 is empty</source>
        <translation>Charge %1 ist leer</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="460"/>
        <source>Material missing for order %1: %2.</source>
        <translation>Material fehlt für Auftrag %1: %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="462"/>
        <source>Open Materials and scan the lot label of each missing material.</source>
        <translation>Material öffnen und das Chargenetikett jedes fehlenden Materials scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="484"/>
        <source>Materials are still loading; scan again in a moment.</source>
        <translation>Material wird noch geladen; gleich erneut scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="488"/>
        <source>No order is active: start or select the order, then scan its materials.</source>
        <translation>Kein Auftrag aktiv: den Auftrag starten oder auswählen, dann sein Material scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="493"/>
        <source>Label %1 names no material this station knows (GTIN %2). Take it back to the store.</source>
        <translation>Etikett %1 nennt kein Material, das diese Station kennt (GTIN %2). Zurück ins Lager bringen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="499"/>
        <source>WRONG MATERIAL: %1 (lot %2) is not in the BOM of order %3. It needs %4. Take the lot away from the machine.</source>
        <translation>FALSCHES MATERIAL: %1 (Charge %2) ist nicht in der Stückliste von Auftrag %3. Benötigt wird %4. Die Charge von der Maschine wegnehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="504"/>
        <location filename="../../hmi/services/materials.py" line="558"/>
        <source>EXPIRED: lot %1 of %2 expired on %3. Do not use it; put it aside for quality.</source>
        <translation>VERFALLEN: Charge %1 von %2 ist am %3 verfallen. Nicht verwenden; für die Qualität beiseitelegen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="510"/>
        <source>ON HOLD: lot %1 is on quality hold (%2). Do not use it.</source>
        <translation>GESPERRT: Charge %1 hat eine Qualitätssperre (%2). Nicht verwenden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="516"/>
        <source>EMPTY: lot %1 has %2 %3 left, one unit needs %4. Load a new lot.</source>
        <translation>LEER: Charge %1 hat noch %2 %3, eine Einheit braucht %4. Eine neue Charge rüsten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="519"/>
        <source>Lot %1 is already loaded for %2.</source>
        <translation>Charge %1 ist bereits für %2 gerüstet.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="538"/>
        <source>WRONG MATERIAL: lot %1 is %2 in the records, the label says %3. Take the lot away and tell quality.</source>
        <translation>FALSCHES MATERIAL: Charge %1 ist laut Aufzeichnungen %2, das Etikett sagt %3. Die Charge wegnehmen und der Qualität Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="544"/>
        <source>Lot %1 is not known here and its label gives no quantity. Receive it at the store first.</source>
        <translation>Charge %1 ist hier nicht bekannt und ihr Etikett nennt keine Menge. Zuerst im Lager vereinnahmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="566"/>
        <source>USED UP: lot %1 of %2 was used already (it is consumed whole). Take a new one.</source>
        <translation>AUFGEBRAUCHT: Charge %1 von %2 wurde bereits verbraucht (sie wird ganz verbraucht). Eine neue nehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="570"/>
        <source>EMPTY: lot %1 has %2 %3 left, one unit needs %4.</source>
        <translation>LEER: Charge %1 hat noch %2 %3, eine Einheit braucht %4.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="597"/>
        <source>%1 lot %2 loaded for %3 after unit %4</source>
        <translation>%1 Charge %2 für %3 gerüstet nach Einheit %4</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="628"/>
        <source>No lot of %1 is loaded.</source>
        <translation>Keine Charge von %1 ist gerüstet.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="653"/>
        <source>The unload of lot %1 could not be saved: %2</source>
        <translation>Das Abrüsten von Charge %1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="787"/>
        <source>Produced units could not be saved (%1); they are kept and saved again.</source>
        <translation>Produzierte Einheiten konnten nicht gespeichert werden (%1); sie werden aufbewahrt und erneut gespeichert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/materials.py" line="861"/>
        <source>The scanned code %1 has no lot number.</source>
        <translation>Der gescannte Code %1 hat keine Chargennummer.</translation>
    </message>
</context>
<context>
    <name>orders</name>
    <message>
        <location filename="../../hmi/services/orders.py" line="94"/>
        <source>%1 cannot start yet:</source>
        <translation>%1 kann noch nicht starten:</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="95"/>
        <source>%1 cannot resume yet:</source>
        <translation>%1 kann noch nicht fortgesetzt werden:</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="96"/>
        <source>%1 cannot be completed yet:</source>
        <translation>%1 kann noch nicht abgeschlossen werden:</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="97"/>
        <source>%1 is blocked:</source>
        <translation>%1 ist blockiert:</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="474"/>
        <source>The orders could not be loaded from the station database (%1). Tell maintenance.</source>
        <translation>Die Aufträge konnten nicht aus der Stationsdatenbank geladen werden (%1). Der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="578"/>
        <source>Order %1 is not in this station&apos;s queue. Check the order number, or reload the orders if it was just released.</source>
        <translation>Auftrag %1 ist nicht im Vorrat dieser Station. Die Auftragsnummer prüfen oder die Aufträge neu laden, falls er gerade freigegeben wurde.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="622"/>
        <source>Order %1 is completed; it cannot be changed or started again. Ask the planner for a new order.</source>
        <translation>Auftrag %1 ist abgeschlossen; er kann nicht geändert oder erneut gestartet werden. Den Planer um einen neuen Auftrag bitten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="625"/>
        <source>Order %1 was aborted; it cannot be changed or started again. Ask the planner for a new order.</source>
        <translation>Auftrag %1 wurde abgebrochen; er kann nicht geändert oder erneut gestartet werden. Den Planer um einen neuen Auftrag bitten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="631"/>
        <source>Order %1 is running at this station. Pause or complete it before you start %2.</source>
        <translation>Auftrag %1 läuft an dieser Station. Ihn pausieren oder abschließen, bevor Sie %2 starten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="642"/>
        <source>Order %1 is already running.</source>
        <translation>Auftrag %1 läuft bereits.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="644"/>
        <source>Order %1 is paused. Resume it instead of starting it again.</source>
        <translation>Auftrag %1 ist pausiert. Ihn fortsetzen, statt ihn erneut zu starten.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="662"/>
        <source>Say why order %1 is paused: choose or type a reason, then pause again.</source>
        <translation>Angeben, warum Auftrag %1 pausiert wird: einen Grund wählen oder eingeben, dann erneut pausieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="665"/>
        <source>The pause reason is too long (%1 characters; at most %2). Shorten it.</source>
        <translation>Der Pausengrund ist zu lang (%1 Zeichen; höchstens %2). Bitte kürzen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="668"/>
        <source>Order %1 is not running (it is %2), so it cannot be paused.</source>
        <translation>Auftrag %1 läuft nicht (er ist %2) und kann daher nicht pausiert werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="679"/>
        <source>Order %1 is not paused (it is %2), so it cannot be resumed.</source>
        <translation>Auftrag %1 ist nicht pausiert (er ist %2) und kann daher nicht fortgesetzt werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="694"/>
        <source>Order %1 has not been started; start it before you complete it.</source>
        <translation>Auftrag %1 wurde nicht gestartet; ihn starten, bevor Sie ihn abschließen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="710"/>
        <source>The %1 quantity must be a whole number of parts (got %2). Enter it again.</source>
        <translation>Die Menge %1 muss eine ganze Zahl von Teilen sein (erhalten: %2). Erneut eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="713"/>
        <source>The %1 quantity cannot be negative (got %2). Enter the parts made since the last report.</source>
        <translation>Die Menge %1 kann nicht negativ sein (erhalten: %2). Die seit der letzten Meldung gefertigten Teile eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="716"/>
        <source>Enter at least one good or scrap part to report.</source>
        <translation>Mindestens ein Gut- oder Ausschussteil zum Melden eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="720"/>
        <source>Order %1 has not been started; start it before you report quantities.</source>
        <translation>Auftrag %1 wurde nicht gestartet; ihn starten, bevor Sie Mengen melden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orders.py" line="762"/>
        <source>Order %1 was not %2: saving failed (%3). Try again; if it fails again, tell maintenance.</source>
        <translation>Auftrag %1 wurde nicht %2: Speichern fehlgeschlagen (%3). Erneut versuchen; schlägt es wieder fehl, der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orderstack.py" line="206"/>
        <source>Open Instructions and finish the mandatory steps.</source>
        <translation>Anweisungen öffnen und die Pflichtschritte abschließen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/orderstack.py" line="213"/>
        <source>SPC: %1 on %2</source>
        <translation>SPC: %1 bei %2</translation>
    </message>
</context>
<context>
    <name>permissions</name>
    <message>
        <location filename="../../hmi/services/permissions.py" line="66"/>
        <source>view production figures</source>
        <translation>Produktionszahlen ansehen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="67"/>
        <source>start an order</source>
        <translation>einen Auftrag starten</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="68"/>
        <source>give a reason for a downtime</source>
        <translation>einen Grund für einen Stillstand angeben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="69"/>
        <source>change the reason of an already classified downtime</source>
        <translation>den Grund eines bereits zugeordneten Stillstands ändern</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="70"/>
        <source>record inspection results</source>
        <translation>Prüfergebnisse erfassen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="71"/>
        <source>sign off inspection results</source>
        <translation>Prüfergebnisse freigeben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="72"/>
        <source>log maintenance work</source>
        <translation>Instandhaltungsarbeiten erfassen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="73"/>
        <source>download a recipe to the machine</source>
        <translation>ein Rezept an die Maschine übertragen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="74"/>
        <source>approve a recipe</source>
        <translation>ein Rezept freigeben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="75"/>
        <source>import master data</source>
        <translation>Stammdaten importieren</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="76"/>
        <source>manage users and PINs</source>
        <translation>Benutzer und PINs verwalten</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="77"/>
        <source>view the audit trail</source>
        <translation>das Audit-Protokoll ansehen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="78"/>
        <source>acknowledge alarms</source>
        <translation>Alarme quittieren</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="79"/>
        <source>leave the station application</source>
        <translation>die Stationsanwendung verlassen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="80"/>
        <source>reset a tool&apos;s life counter after maintenance</source>
        <translation>den Standzeitzähler eines Werkzeugs nach der Wartung zurücksetzen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="81"/>
        <source>sign off a work-instruction step</source>
        <translation>einen Arbeitsschritt abzeichnen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="82"/>
        <source>settle rows the central database refused (send again or mark resolved)</source>
        <translation>von der Zentraldatenbank abgelehnte Zeilen klären (erneut senden oder als erledigt markieren)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="121"/>
        <source>use &apos;%1&apos;</source>
        <translation>&apos;%1&apos; verwenden</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="141"/>
        <source>%1 (badge %2)</source>
        <translation>%1 (Ausweis %2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="156"/>
        <source>Nobody is logged in. Log in with your badge to %1.</source>
        <translation>Niemand ist angemeldet. Mit dem Ausweis anmelden für: %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/permissions.py" line="159"/>
        <source>%1 may not %2. Ask a team lead or an administrator.</source>
        <translation>%1 darf nicht: %2. Einen Teamleiter oder Administrator fragen.</translation>
    </message>
</context>
<context>
    <name>presenters</name>
    <message>
        <location filename="../../hmi/views/alarms.py" line="21"/>
        <source>Raised %1</source>
        <translation>Ausgelöst %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/alarms.py" line="23"/>
        <source>back to normal %1</source>
        <translation>wieder normal %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/alarms.py" line="26"/>
        <source>acknowledged by %1 at %2</source>
        <translation>quittiert von %1 um %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/alarms.py" line="30"/>
        <source>NOT ACKNOWLEDGED</source>
        <translation>NICHT QUITTIERT</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="30"/>
        <source>Maintenance</source>
        <translation>Instandhaltung</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="31"/>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="32"/>
        <source>Material</source>
        <translation>Material</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="33"/>
        <source>Team lead</source>
        <translation>Teamleiter</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="34"/>
        <source>Safety</source>
        <translation>Arbeitssicherheit</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="42"/>
        <source>Called %1 by %2 · waiting %3 · nobody has answered yet</source>
        <translation>Gerufen %1 von %2 · wartet %3 · noch niemand hat angenommen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/andon.py" line="46"/>
        <source>Called %1 · answered by %2 after %3 · not resolved yet</source>
        <translation>Gerufen %1 · angenommen von %2 nach %3 · noch nicht erledigt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="51"/>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="54"/>
        <source>NO REASON YET · tap to give one</source>
        <translation>NOCH KEIN GRUND · antippen, um einen anzugeben</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="59"/>
        <source>automatic</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="59"/>
        <source>operator</source>
        <translation>Werker</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="60"/>
        <source>team lead</source>
        <translation>Teamleiter</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="64"/>
        <source>repaired</source>
        <translation>repariert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/downtime.py" line="66"/>
        <source>maintenance on it</source>
        <translation>Instandhaltung dran</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="196"/>
        <location filename="../../hmi/views/presenters.py" line="32"/>
        <location filename="../../hmi/views/presenters.py" line="73"/>
        <source>NO DATA</source>
        <translation>KEINE DATEN</translation>
    </message>
    <message>
        <location filename="../../hmi/views/login.py" line="197"/>
        <location filename="../../hmi/views/presenters.py" line="49"/>
        <source>Connecting to machine…</source>
        <translation>Verbindungsaufbau…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="23"/>
        <source>RUNNING</source>
        <translation>LÄUFT</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="24"/>
        <source>IDLE</source>
        <translation>LEERLAUF</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="25"/>
        <source>STARVED</source>
        <translation>MANGEL</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="26"/>
        <source>BLOCKED</source>
        <translation>STAU</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="27"/>
        <source>CHANGEOVER</source>
        <translation>RÜSTEN</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="28"/>
        <source>FAULTED</source>
        <translation>STÖRUNG</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="29"/>
        <source>STOPPED</source>
        <translation>GESTOPPT</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="30"/>
        <source>UNKNOWN STATE</source>
        <translation>UNBEKANNTER ZUSTAND</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="45"/>
        <source>Link OK</source>
        <translation>Verbindung OK</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="47"/>
        <source>Link lost – reconnecting</source>
        <translation>Verbindung verloren – verbinde neu</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="50"/>
        <source>Machine link down</source>
        <translation>Maschinenverbindung unterbrochen</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="64"/>
        <location filename="../../hmi/views/presenters.py" line="102"/>
        <source>no value received yet</source>
        <translation>noch kein Wert</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="67"/>
        <source>STALE · value of %1</source>
        <translation>VERALTET · Wert von %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="68"/>
        <source>STALE · %1 · %2</source>
        <translation>VERALTET · %1 · %2</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="77"/>
        <source>for %1</source>
        <translation>seit %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="92"/>
        <source>since %1</source>
        <translation>seit %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="111"/>
        <source>below low limit %1</source>
        <translation>unter der unteren Grenze %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="113"/>
        <source>above high limit %1</source>
        <translation>über der oberen Grenze %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="120"/>
        <source>Scanner OK</source>
        <translation>Scanner OK</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="122"/>
        <source>Scanner…</source>
        <translation>Scanner…</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="123"/>
        <source>Scanner unplugged</source>
        <translation>Scanner abgesteckt</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="133"/>
        <source>no symbology identifier</source>
        <translation>keine Symbologiekennung</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="156"/>
        <source>⇅ DISK FULL SOON · %1</source>
        <translation>⇅ PLATTE BALD VOLL · %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="158"/>
        <source>⇅ %1 REFUSED</source>
        <translation>⇅ %1 ABGELEHNT</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="160"/>
        <source>⇅ OFFLINE %1</source>
        <translation>⇅ OFFLINE %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="161"/>
        <source>⇅ OFFLINE</source>
        <translation>⇅ OFFLINE</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="163"/>
        <source>⇅ behind · %1</source>
        <translation>⇅ im Rückstand · %1</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="164"/>
        <source>⇅ ✓</source>
        <translation>⇅ ✓</translation>
    </message>
    <message>
        <location filename="../../hmi/views/presenters.py" line="164"/>
        <source>⇅ %1</source>
        <translation>⇅ %1</translation>
    </message>
</context>
<context>
    <name>quality</name>
    <message>
        <location filename="../../hmi/services/quality.py" line="85"/>
        <source>%1 by %2 on %3</source>
        <translation>%1 von %2 am %3</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="125"/>
        <source>PASS</source>
        <translation>i.O.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="125"/>
        <source>FAIL</source>
        <translation>n.i.O.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="126"/>
        <source>%1 (%2) on order %3: %4%5 — %6, recorded by %7 at %8</source>
        <translation>%1 (%2) bei Auftrag %3: %4%5 — %6, erfasst von %7 um %8</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="132"/>
        <source>First-article approval</source>
        <translation>Erstmusterfreigabe</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="133"/>
        <source>Failed check: review</source>
        <translation>n.i.O.-Prüfung: bewerten</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="134"/>
        <source>Signature required by the plan</source>
        <translation>Signatur laut Prüfplan erforderlich</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="224"/>
        <source>The inspections to sign off could not be loaded: %1. Try again; tell maintenance if it persists.</source>
        <translation>Die abzuzeichnenden Prüfungen konnten nicht geladen werden: %1. Erneut versuchen; bleibt es so, der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="314"/>
        <source>Result %1 is not in the list to sign off. Reload the list.</source>
        <translation>Ergebnis %1 ist nicht in der Liste zum Abzeichnen. Die Liste neu laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="317"/>
        <source>%1 is signed already: %2.</source>
        <translation>%1 ist bereits signiert: %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="321"/>
        <source>A failed check needs a comment: say what was found and what was decided, then sign.</source>
        <translation>Eine n.i.O.-Prüfung braucht einen Kommentar: angeben, was gefunden und was entschieden wurde, dann signieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="323"/>
        <source>%1 recorded this result and may not sign it off. Another team lead must sign.</source>
        <translation>%1 hat dieses Ergebnis erfasst und darf es nicht abzeichnen. Ein anderer Teamleiter muss signieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/quality.py" line="347"/>
        <source>Result %1 is not in the store.</source>
        <translation>Ergebnis %1 ist nicht im Speicher.</translation>
    </message>
</context>
<context>
    <name>recipes</name>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="247"/>
        <source>unknown type &apos;%1&apos; (real, int or bool)</source>
        <translation>unbekannter Typ &apos;%1&apos; (real, int oder bool)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="250"/>
        <source>the value %1 is not a finite number</source>
        <translation>der Wert %1 ist keine endliche Zahl</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="253"/>
        <source>the value %1 is not a whole number</source>
        <translation>der Wert %1 ist keine ganze Zahl</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="255"/>
        <source>the value %1 is not on/off (1 or 0)</source>
        <translation>der Wert %1 ist nicht ein/aus (1 oder 0)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="257"/>
        <source>the low limit %1 is above the high limit %2</source>
        <translation>die untere Grenze %1 liegt über der oberen Grenze %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="260"/>
        <source>%1 is below the low limit %2</source>
        <translation>%1 liegt unter der unteren Grenze %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="263"/>
        <source>%1 is above the high limit %2</source>
        <translation>%1 liegt über der oberen Grenze %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="266"/>
        <source>the tolerance %1 must be a number &gt;= 0</source>
        <translation>die Toleranz %1 muss eine Zahl &gt;= 0 sein</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="268"/>
        <source>no tag to write it to</source>
        <translation>keine Variable, in die geschrieben werden kann</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="271"/>
        <source>tag %1 is written by parameter %2 already</source>
        <translation>Variable %1 wird bereits von Parameter %2 geschrieben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="277"/>
        <source>the station has no tag named %1</source>
        <translation>die Station hat keine Variable namens %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="280"/>
        <source>tag %1 is read-only in the station configuration</source>
        <translation>Variable %1 ist in der Stationskonfiguration schreibgeschützt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="282"/>
        <source>tag %1 is a %2, not an on/off value</source>
        <translation>Variable %1 ist vom Typ %2, kein Ein/Aus-Wert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="284"/>
        <source>tag %1 is a %2, not a number</source>
        <translation>Variable %1 ist vom Typ %2, keine Zahl</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="286"/>
        <source>tag %1 holds whole numbers; %2 is not one</source>
        <translation>Variable %1 enthält ganze Zahlen; %2 ist keine</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="288"/>
        <source>the station has no tag named %1 (the actual value)</source>
        <translation>die Station hat keine Variable namens %1 (der Istwert)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="336"/>
        <source>no value was read back</source>
        <translation>kein Wert zurückgelesen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="342"/>
        <source>the machine reports the value as not valid</source>
        <translation>die Maschine meldet den Wert als ungültig</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipe_core.py" line="345"/>
        <source>the machine keeps a different value</source>
        <translation>die Maschine behält einen anderen Wert</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="174"/>
        <source>draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="174"/>
        <source>approved</source>
        <translation>freigegeben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="175"/>
        <source>obsolete</source>
        <translation>ungültig</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="322"/>
        <location filename="../../hmi/services/recipes.py" line="873"/>
        <source>Recipe %1 version %2 does not exist.</source>
        <translation>Rezept %1 Version %2 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="324"/>
        <source>%1 is approved already.</source>
        <translation>%1 ist bereits freigegeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="326"/>
        <source>%1 is obsolete and cannot be approved again. Make a new version, or roll back to a known-good one.</source>
        <translation>%1 ist ungültig und kann nicht erneut freigegeben werden. Eine neue Version anlegen oder auf eine bewährte zurücksetzen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="330"/>
        <source>%1 cannot be approved: %2. Correct the recipe first.</source>
        <translation>%1 kann nicht freigegeben werden: %2. Zuerst das Rezept korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="341"/>
        <source>%1 was changed while it was being signed. Open it again and approve what you see.</source>
        <translation>%1 wurde geändert, während es signiert wurde. Erneut öffnen und freigeben, was Sie sehen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="350"/>
        <source>replaced by v%1</source>
        <translation>ersetzt durch v%1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="356"/>
        <source>%1 approved by %2</source>
        <translation>%1 freigegeben von %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="396"/>
        <source>Recipe %1 does not exist at this station. Check the order&apos;s recipe, or import the master data.</source>
        <translation>Rezept %1 existiert an dieser Station nicht. Das Rezept des Auftrags prüfen oder die Stammdaten importieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="399"/>
        <source>%1 is a draft: a process engineer must approve it (with their e-signature) before it can be downloaded.</source>
        <translation>%1 ist ein Entwurf: ein Prozessingenieur muss es (mit seiner E-Signatur) freigeben, bevor es geladen werden kann.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="402"/>
        <source>%1 is obsolete and cannot be downloaded.</source>
        <translation>%1 ist ungültig und kann nicht geladen werden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="403"/>
        <location filename="../../hmi/services/recipes.py" line="803"/>
        <location filename="../../hmi/services/recipes.py" line="823"/>
        <source>Download the approved version v%1.</source>
        <translation>Die freigegebene Version v%1 laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="404"/>
        <source>Ask a process engineer to approve a version.</source>
        <translation>Einen Prozessingenieur bitten, eine Version freizugeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="409"/>
        <source>%1 is for %2, not for this station (%3). Nothing was written. Check the order&apos;s recipe with the process engineer.</source>
        <translation>%1 ist für %2, nicht für diese Station (%3). Nichts wurde geschrieben. Das Rezept des Auftrags mit dem Prozessingenieur prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="415"/>
        <source>%1 was not downloaded, nothing was written: %2. Ask a process engineer to correct the recipe.</source>
        <translation>%1 wurde nicht geladen, nichts wurde geschrieben: %2. Einen Prozessingenieur bitten, das Rezept zu korrigieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="433"/>
        <source>the machine kept a different value (limited it?)</source>
        <translation>die Maschine hat einen anderen Wert behalten (begrenzt?)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="438"/>
        <source>The download of %1 was cancelled; the machine may hold part of it. Download it again.</source>
        <translation>Das Laden von %1 wurde abgebrochen; die Maschine hat vielleicht einen Teil davon. Erneut laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="442"/>
        <source>The download of %1 failed: the machine refused %2 = %3 (%4). Check the machine, then download again.</source>
        <translation>Das Laden von %1 ist fehlgeschlagen: die Maschine hat %2 = %3 abgelehnt (%4). Die Maschine prüfen, dann erneut laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="447"/>
        <source>The download of %1 failed: %2</source>
        <translation>Das Laden von %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="459"/>
        <source>The machine does not hold %1 as written: %2. The download failed; check the machine (limits, manual changes), then download again.</source>
        <translation>Die Maschine hält %1 nicht wie geschrieben: %2. Das Laden ist fehlgeschlagen; die Maschine prüfen (Grenzen, Handänderungen), dann erneut laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="464"/>
        <source>%1 downloaded and every value read back.</source>
        <translation>%1 geladen und jeder Wert zurückgelesen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="481"/>
        <source>The download of %1 v%2 could not be recorded (%3). Tell maintenance.</source>
        <translation>Das Laden von %1 v%2 konnte nicht erfasst werden (%3). Der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="530"/>
        <source>That download is not known at this station.</source>
        <translation>Dieser Ladevorgang ist an dieser Station nicht bekannt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="533"/>
        <source>The download of %1 did not succeed (%2), so it cannot be accepted. Download the recipe again.</source>
        <translation>Das Laden von %1 war nicht erfolgreich (%2) und kann daher nicht angenommen werden. Das Rezept erneut laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="536"/>
        <source>Say why you reject the download of %1.</source>
        <translation>Angeben, warum Sie das Laden von %1 ablehnen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="541"/>
        <source>The download of %1 was %2 already (badge %3).</source>
        <translation>Das Laden von %1 wurde bereits %2 (Ausweis %3).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="542"/>
        <location filename="../../hmi/services/recipes.py" line="566"/>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="543"/>
        <location filename="../../hmi/services/recipes.py" line="566"/>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="549"/>
        <source>A newer download exists for order %1; check that one instead.</source>
        <translation>Für Auftrag %1 gibt es einen neueren Ladevorgang; stattdessen diesen prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="565"/>
        <source>%1 for order %2 %3 by %4</source>
        <translation>%1 für Auftrag %2 %3 von %4</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="587"/>
        <source>Recipe %1 does not exist at this station.</source>
        <translation>Rezept %1 existiert an dieser Station nicht.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="593"/>
        <source>Recipe %1 has no earlier version that was downloaded and validated, so there is nothing to roll back to. Approve a corrected version instead.</source>
        <translation>Rezept %1 hat keine frühere Version, die geladen und validiert wurde, es gibt also nichts zum Zurücksetzen. Stattdessen eine korrigierte Version freigeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="607"/>
        <source>rolled back</source>
        <translation>zurückgesetzt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="611"/>
        <source>Recipe %1 changed while the rollback was being signed (v%2 appeared). Try again.</source>
        <translation>Rezept %1 hat sich geändert, während das Zurücksetzen signiert wurde (v%2 ist erschienen). Erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="622"/>
        <source>rolled back to v%1 (as v%2)</source>
        <translation>zurückgesetzt auf v%1 (als v%2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="627"/>
        <source>copy of known-good v%1: %2</source>
        <translation>Kopie der bewährten v%1: %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="634"/>
        <source>%1 rolled back to v%2 as v%3 by %4</source>
        <translation>%1 zurückgesetzt auf v%2 als v%3 von %4</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="656"/>
        <source>The tolerances of %1 v%2 cannot be watched (%3).</source>
        <translation>Die Toleranzen von %1 v%2 können nicht überwacht werden (%3).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="718"/>
        <source>A recipe deviation of %1 could not be saved (%2). Tell maintenance.</source>
        <translation>Eine Rezeptabweichung von %1 konnte nicht gespeichert werden (%2). Der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="776"/>
        <source>The machine deviates from the recipe: %1.</source>
        <translation>Die Maschine weicht vom Rezept ab: %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="777"/>
        <source>Set the values back at the machine, or download the recipe again and validate it.</source>
        <translation>Die Werte an der Maschine zurückstellen oder das Rezept erneut laden und validieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="797"/>
        <location filename="../../hmi/services/recipes.py" line="870"/>
        <source>Recipe %1 has no approved version.</source>
        <translation>Rezept %1 hat keine freigegebene Version.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="798"/>
        <source>A process engineer must approve the recipe with their e-signature.</source>
        <translation>Ein Prozessingenieur muss das Rezept mit seiner E-Signatur freigeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="801"/>
        <source>Recipe %1 v%2 is not the approved version (v%3 is).</source>
        <translation>Rezept %1 v%2 ist nicht die freigegebene Version (das ist v%3).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="813"/>
        <source>Recipe %1 has not been downloaded for this order.</source>
        <translation>Rezept %1 wurde für diesen Auftrag nicht geladen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="814"/>
        <source>Download the recipe to the machine.</source>
        <translation>Das Rezept in die Maschine laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="816"/>
        <source>The last download of %1 did not succeed (%2).</source>
        <translation>Das letzte Laden von %1 war nicht erfolgreich (%2).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="818"/>
        <source>Fix the cause shown with the download, then download again.</source>
        <translation>Die beim Laden gezeigte Ursache beheben, dann erneut laden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="821"/>
        <source>v%1 was downloaded, but %2 is approved now.</source>
        <translation>v%1 wurde geladen, aber jetzt ist %2 freigegeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="828"/>
        <source>The download of %1 has not been validated.</source>
        <translation>Das Laden von %1 wurde nicht validiert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="829"/>
        <source>Compare every setpoint with its read-back value on the recipe screen and confirm.</source>
        <translation>Jeden Sollwert mit seinem zurückgelesenen Wert auf der Rezeptseite vergleichen und bestätigen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="832"/>
        <source>The download of %1 was rejected (badge %2: %3).</source>
        <translation>Das Laden von %1 wurde abgelehnt (Ausweis %2: %3).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="834"/>
        <source>Correct the machine, then download again and validate.</source>
        <translation>Die Maschine korrigieren, dann erneut laden und validieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/recipes.py" line="845"/>
        <source>The recipe action failed (%1). Try again; if it repeats, tell maintenance.</source>
        <translation>Die Rezeptaktion ist fehlgeschlagen (%1). Erneut versuchen; passiert es wieder, der Instandhaltung Bescheid geben.</translation>
    </message>
</context>
<context>
    <name>scan</name>
    <message>
        <location filename="../../hmi/services/gs1.py" line="164"/>
        <source>Scan “%1” refused: %2.</source>
        <translation>Scan „%1“ abgelehnt: %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="165"/>
        <source>Scan the label again; if it is refused again the label is faulty: set the item aside and tell the team lead.</source>
        <translation>Das Etikett erneut scannen; wird es wieder abgelehnt, ist das Etikett fehlerhaft: den Artikel beiseitelegen und dem Teamleiter Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="338"/>
        <source>it is not a GS1 code (%1) and matches none of this station&apos;s codes (%2)</source>
        <translation>es ist kein GS1-Code (%1) und passt zu keinem Code dieser Station (%2)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="340"/>
        <source>it is not a GS1 code (%1) and this station knows no other codes</source>
        <translation>es ist kein GS1-Code (%1) und diese Station kennt keine anderen Codes</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="343"/>
        <source>it matches none of this station&apos;s codes (GS1, %1)</source>
        <translation>es passt zu keinem Code dieser Station (GS1, %1)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="344"/>
        <source>it is not a GS1 code and this station knows no other codes</source>
        <translation>es ist kein GS1-Code und diese Station kennt keine anderen Codes</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="345"/>
        <source>Check that you scanned the right label (the GS1 or lot label of the material).</source>
        <translation>Prüfen, ob Sie das richtige Etikett gescannt haben (das GS1- oder Chargenetikett des Materials).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="362"/>
        <source>an EAN/UPC code must be 8, 12 or 13 digits</source>
        <translation>ein EAN/UPC-Code muss 8, 12 oder 13 Ziffern haben</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="377"/>
        <source>no GS1 application identifier starts at “%1”</source>
        <translation>bei „%1“ beginnt kein GS1-Datenbezeichner (AI)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="383"/>
        <source>the code is empty</source>
        <translation>der Code ist leer</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="398"/>
        <source>%1 (AI %2) is longer than %3 characters (or the GS separator after it is missing)</source>
        <translation>%1 (AI %2) ist länger als %3 Zeichen (oder das GS-Trennzeichen danach fehlt)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="401"/>
        <location filename="../../hmi/services/gs1.py" line="493"/>
        <source>%1 (AI %2) contains “%3”, a character GS1 does not allow</source>
        <translation>%1 (AI %2) enthält „%3“, ein Zeichen, das GS1 nicht erlaubt</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="419"/>
        <source>expected “(AI)” at “%1”</source>
        <translation>„(AI)“ erwartet bei „%1“</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="424"/>
        <source>(%1) is not a GS1 application identifier</source>
        <translation>(%1) ist kein GS1-Datenbezeichner</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="441"/>
        <source>the lot</source>
        <translation>die Charge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="441"/>
        <source>the serial number</source>
        <translation>die Seriennummer</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="442"/>
        <source>the GTIN</source>
        <translation>die GTIN</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="442"/>
        <source>the expiry date</source>
        <translation>das Verfallsdatum</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="443"/>
        <source>the production date</source>
        <translation>das Herstelldatum</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="443"/>
        <source>the best-before date</source>
        <translation>das Mindesthaltbarkeitsdatum</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="444"/>
        <source>the quantity</source>
        <translation>die Menge</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="444"/>
        <source>the count</source>
        <translation>die Stückzahl</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="465"/>
        <source>%1 (AI %2) needs %3 digits but only %4 were read (“%5”); the code is cut short</source>
        <translation>%1 (AI %2) braucht %3 Ziffern, aber nur %4 wurden gelesen („%5“); der Code ist abgeschnitten</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="469"/>
        <source>%1 (AI %2) has %3 digits, expected %4</source>
        <translation>%1 (AI %2) hat %3 Ziffern, erwartet %4</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="473"/>
        <source>%1 (AI %2) must be %3 digits, read “%4”</source>
        <translation>%1 (AI %2) muss %3 Ziffern haben, gelesen „%4“</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="479"/>
        <source>%1 (AI %2) “%3” is not a valid date: %4</source>
        <translation>%1 (AI %2) „%3“ ist kein gültiges Datum: %4</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="485"/>
        <source>%1 (AI %2) is empty</source>
        <translation>%1 (AI %2) ist leer</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="488"/>
        <source>%1 (AI %2) is longer than %3 characters</source>
        <translation>%1 (AI %2) ist länger als %3 Zeichen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="497"/>
        <source>%1 (AI %2) must be digits, read “%3”</source>
        <translation>%1 (AI %2) muss aus Ziffern bestehen, gelesen „%3“</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="500"/>
        <source>%1 (AI %2) “%3” does not fit its GS1 format %4</source>
        <translation>%1 (AI %2) „%3“ passt nicht zu seinem GS1-Format %4</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="508"/>
        <source>there is no month %1</source>
        <translation>es gibt keinen Monat %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="512"/>
        <source>month %1 has no day %2</source>
        <translation>Monat %1 hat keinen Tag %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="521"/>
        <source>the %1 %2 has a wrong check digit (%3, expected %4)</source>
        <translation>%1 %2 hat eine falsche Prüfziffer (%3, erwartet %4)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="523"/>
        <source>Scan the label again; if it is refused again the label is misprinted: set the item aside and tell the team lead.</source>
        <translation>Das Etikett erneut scannen; wird es wieder abgelehnt, ist das Etikett fehlgedruckt: den Artikel beiseitelegen und dem Teamleiter Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="547"/>
        <source>AI %1 appears twice with different values (“%2” and “%3”)</source>
        <translation>AI %1 kommt zweimal mit verschiedenen Werten vor („%2“ und „%3“)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="555"/>
        <source>the %1 %2 is not valid (%3)</source>
        <translation>%1 %2 ist nicht gültig (%3)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/gs1.py" line="558"/>
        <source>the quantity (AI %1) is empty</source>
        <translation>die Menge (AI %1) ist leer</translation>
    </message>
</context>
<context>
    <name>serials</name>
    <message>
        <location filename="../../hmi/services/serials.py" line="486"/>
        <source>No more numbers for station %1: all %2 numbers of scheme %3 are used for this period. Ask the process engineer to widen {seq} in the numbering scheme; until then nothing new can be numbered.</source>
        <translation>Keine Nummern mehr für Station %1: alle %2 Nummern des Schemas %3 sind in diesem Zeitraum vergeben. Den Prozessingenieur bitten, {seq} im Nummernschema zu erweitern; bis dahin kann nichts Neues nummeriert werden.</translation>
    </message>
</context>
<context>
    <name>shiftcal</name>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="62"/>
        <source>%1: &apos;%2&apos; is not a time of day; write it as HH:MM (00:00 to 23:59).</source>
        <translation>%1: &apos;%2&apos; ist keine Uhrzeit; als HH:MM schreiben (00:00 bis 23:59).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="78"/>
        <source>Time zone &apos;%1&apos; is not known; use an IANA name such as Europe/Berlin.</source>
        <translation>Zeitzone &apos;%1&apos; ist nicht bekannt; einen IANA-Namen wie Europe/Berlin verwenden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="85"/>
        <source>%1 (%2) has no time zone; pass timezone-aware UTC times.</source>
        <translation>%1 (%2) hat keine Zeitzone; UTC-Zeiten mit Zeitzone übergeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="220"/>
        <source>Shift &apos;%1&apos;: weekday &apos;%2&apos; is not an ISO weekday (1 = Monday to 7 = Sunday).</source>
        <translation>Schicht &apos;%1&apos;: Wochentag &apos;%2&apos; ist kein ISO-Wochentag (1 = Montag bis 7 = Sonntag).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="229"/>
        <source>Calendar &apos;%1&apos; has no shifts; define at least one.</source>
        <translation>Kalender &apos;%1&apos; hat keine Schichten; mindestens eine festlegen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="234"/>
        <source>Calendar &apos;%1&apos;: shift name &apos;%2&apos; is used twice.</source>
        <translation>Kalender &apos;%1&apos;: Schichtname &apos;%2&apos; wird zweimal verwendet.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="238"/>
        <source>Shift &apos;%1&apos; start</source>
        <translation>Schicht &apos;%1&apos; Beginn</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="239"/>
        <source>Shift &apos;%1&apos; end</source>
        <translation>Schicht &apos;%1&apos; Ende</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="241"/>
        <source>Shift &apos;%1&apos; has no weekdays; list at least one.</source>
        <translation>Schicht &apos;%1&apos; hat keine Wochentage; mindestens einen angeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="245"/>
        <source>Shift &apos;%1&apos;: weekday %2 is not an ISO weekday (1 = Monday to 7 = Sunday).</source>
        <translation>Schicht &apos;%1&apos;: Wochentag %2 ist kein ISO-Wochentag (1 = Montag bis 7 = Sonntag).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="251"/>
        <source>Shift &apos;%1&apos;, break &apos;%2&apos;</source>
        <translation>Schicht &apos;%1&apos;, Pause &apos;%2&apos;</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="256"/>
        <source>Shift &apos;%1&apos;, break &apos;%2&apos;: start and end are both %3.</source>
        <translation>Schicht &apos;%1&apos;, Pause &apos;%2&apos;: Beginn und Ende sind beide %3.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="260"/>
        <source>Shift &apos;%1&apos;, break &apos;%2&apos; (%3-%4) is not inside the shift (%5-%6).</source>
        <translation>Schicht &apos;%1&apos;, Pause &apos;%2&apos; (%3-%4) liegt nicht in der Schicht (%5-%6).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="265"/>
        <source>Shift &apos;%1&apos;: breaks &apos;%2&apos; and &apos;%3&apos; overlap.</source>
        <translation>Schicht &apos;%1&apos;: Pausen &apos;%2&apos; und &apos;%3&apos; überschneiden sich.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/shiftcal.py" line="277"/>
        <source>Calendar &apos;%1&apos;: shift &apos;%2&apos; starting on %3 overlaps shift &apos;%4&apos; starting on %5; shifts of one calendar must not overlap.</source>
        <translation>Kalender &apos;%1&apos;: Schicht &apos;%2&apos; mit Beginn am %3 überschneidet sich mit Schicht &apos;%4&apos; mit Beginn am %5; Schichten eines Kalenders dürfen sich nicht überschneiden.</translation>
    </message>
</context>
<context>
    <name>spc</name>
    <message>
        <location filename="../../hmi/services/spc.py" line="149"/>
        <source>at least two subgroups are needed for control limits</source>
        <translation>für Eingriffsgrenzen sind mindestens zwei Stichproben nötig</translation>
    </message>
    <message>
        <location filename="../../hmi/services/spc.py" line="152"/>
        <source>all subgroups must have the same size, got sizes %1</source>
        <translation>alle Stichproben müssen gleich groß sein, Größen: %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/spc.py" line="188"/>
        <source>at least three values are needed for individuals limits</source>
        <translation>für Einzelwertgrenzen sind mindestens drei Werte nötig</translation>
    </message>
    <message>
        <location filename="../../hmi/services/spc.py" line="203"/>
        <source>counts must lie between 0 and their sample size</source>
        <translation>Anzahlen müssen zwischen 0 und ihrem Stichprobenumfang liegen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/spc.py" line="215"/>
        <source>counts and a positive sample size are needed</source>
        <translation>Anzahlen und ein positiver Stichprobenumfang sind nötig</translation>
    </message>
    <message>
        <location filename="../../hmi/services/spc.py" line="224"/>
        <source>counts are needed</source>
        <translation>Anzahlen sind nötig</translation>
    </message>
    <message>
        <location filename="../../hmi/services/spc.py" line="375"/>
        <source>capability needs at least one specification limit</source>
        <translation>die Prozessfähigkeit braucht mindestens eine Spezifikationsgrenze</translation>
    </message>
    <message>
        <location filename="../../hmi/services/spc.py" line="377"/>
        <source>the lower specification limit must be below the upper one</source>
        <translation>die untere Spezifikationsgrenze muss unter der oberen liegen</translation>
    </message>
    <message>
        <location filename="../../hmi/services/spc.py" line="379"/>
        <source>capability needs at least two values</source>
        <translation>die Prozessfähigkeit braucht mindestens zwei Werte</translation>
    </message>
</context>
<context>
    <name>tooling</name>
    <message>
        <location filename="../../hmi/services/tooling.py" line="325"/>
        <source>Tool data could not be loaded from the station database (%1): tools cannot be verified. Tell maintenance.</source>
        <translation>Werkzeugdaten konnten nicht aus der Stationsdatenbank geladen werden (%1): Werkzeuge können nicht geprüft werden. Der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="350"/>
        <source>%1 reached its life limit (%2 of %3 %4).</source>
        <translation>%1 hat seine Standzeitgrenze erreicht (%2 von %3 %4).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="353"/>
        <source>%1 reached its warning level (%2 of %3 %4).</source>
        <translation>%1 hat seine Warnschwelle erreicht (%2 von %3 %4).</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="378"/>
        <source>Order %1 is not in this station&apos;s queue, so its tools cannot be checked. Check the order number.</source>
        <translation>Auftrag %1 ist nicht im Vorrat dieser Station, daher können seine Werkzeuge nicht geprüft werden. Die Auftragsnummer prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="404"/>
        <source>The tool data is not loaded yet.</source>
        <translation>Die Werkzeugdaten sind noch nicht geladen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="405"/>
        <source>Wait a moment and try again; if this stays, tell maintenance.</source>
        <translation>Einen Moment warten und erneut versuchen; bleibt es so, der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="410"/>
        <source>The tool list %1 is not in this station&apos;s master data.</source>
        <translation>Die Werkzeugliste %1 ist nicht in den Stammdaten dieser Station.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="412"/>
        <source>Ask the process engineer to import it.</source>
        <translation>Den Prozessingenieur bitten, sie zu importieren.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="420"/>
        <source>%1 (%2 of %3 %4)</source>
        <translation>%1 (%2 von %3 %4)</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="429"/>
        <source>At its life limit: %1.</source>
        <translation>An der Standzeitgrenze: %1.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="430"/>
        <source>Have maintenance service the tool and reset its counter, or mount another tool of the same type and scan it.</source>
        <translation>Das Werkzeug von der Instandhaltung warten und den Zähler zurücksetzen lassen oder ein anderes Werkzeug desselben Typs montieren und scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="433"/>
        <source>Tools not verified for %1: %2.</source>
        <translation>Werkzeuge nicht geprüft für %1: %2.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="435"/>
        <source>Mount the tools of list %1 and scan each one.</source>
        <translation>Die Werkzeuge der Liste %1 montieren und jedes scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="442"/>
        <source>The tool data is being loaded. Try again in a moment.</source>
        <translation>Die Werkzeugdaten werden geladen. Gleich erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="457"/>
        <source>The scan was empty. Scan the code on the tool&apos;s label again.</source>
        <translation>Der Scan war leer. Den Code auf dem Werkzeugetikett erneut scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="462"/>
        <source>Order %1 is running. Pause or complete it before you change tools for order %2.</source>
        <translation>Auftrag %1 läuft. Ihn pausieren oder abschließen, bevor Sie Werkzeuge für Auftrag %2 wechseln.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="475"/>
        <source>%1 is not a known tool or fixture. Check the label, or ask the process engineer to add the tool to the master data.</source>
        <translation>%1 ist kein bekanntes Werkzeug und keine bekannte Vorrichtung. Das Etikett prüfen oder den Prozessingenieur bitten, das Werkzeug in die Stammdaten aufzunehmen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="479"/>
        <source>Order %1 operation %2 needs no tools, so %3 is not mounted for it.</source>
        <translation>Auftrag %1 Arbeitsgang %2 braucht keine Werkzeuge, daher wird %3 dafür nicht montiert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="483"/>
        <source>Wrong tool: %1 is a %2, but order %3 needs %4 (tool list %5). Take the right tool and scan it.</source>
        <translation>Falsches Werkzeug: %1 ist ein %2, aber Auftrag %3 braucht %4 (Werkzeugliste %5). Das richtige Werkzeug nehmen und scannen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="487"/>
        <source>%1 has reached its life limit (%2 of %3 %4) and may not be used until maintenance has serviced it and reset its counter. Use another %5.</source>
        <translation>%1 hat seine Standzeitgrenze erreicht (%2 von %3 %4) und darf nicht verwendet werden, bis die Instandhaltung es gewartet und den Zähler zurückgesetzt hat. Ein anderes %5 verwenden.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="503"/>
        <source>replaced by %1</source>
        <translation>ersetzt durch %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="510"/>
        <source>not on tool list %1</source>
        <translation>nicht auf Werkzeugliste %1</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="516"/>
        <source>type %1 on tool list %2</source>
        <translation>Typ %1 auf Werkzeugliste %2</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="530"/>
        <source>%1 is near its life limit: %2 of %3 %4 used, %5 left. Plan its maintenance.</source>
        <translation>%1 ist nahe an seiner Standzeitgrenze: %2 von %3 %4 verbraucht, %5 übrig. Die Wartung einplanen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="533"/>
        <source>%1 (%2) is mounted and verified for order %3.</source>
        <translation>%1 (%2) ist montiert und für Auftrag %3 geprüft.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="543"/>
        <source>%1 is not mounted at this station.</source>
        <translation>%1 ist an dieser Station nicht montiert.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="556"/>
        <source>%1 is not a known tool or fixture. Check the code.</source>
        <translation>%1 ist kein bekanntes Werkzeug und keine bekannte Vorrichtung. Den Code prüfen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="560"/>
        <source>Say what was done to %1 (e.g. &quot;die reground, order MA-123&quot;), then reset again.</source>
        <translation>Angeben, was an %1 gemacht wurde (z. B. &quot;Matrize nachgeschliffen, Auftrag MA-123&quot;), dann erneut zurücksetzen.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/tooling.py" line="588"/>
        <source>A tool change was not saved (%1). Reload the tools and scan again; if it fails again, tell maintenance.</source>
        <translation>Ein Werkzeugwechsel wurde nicht gespeichert (%1). Die Werkzeuge neu laden und erneut scannen; schlägt es wieder fehl, der Instandhaltung Bescheid geben.</translation>
    </message>
</context>
<context>
    <name>trace</name>
    <message>
        <location filename="../../hmi/services/trace.py" line="96"/>
        <source>The trace could not be answered (%1: %2). Try again; if it fails again, tell maintenance.</source>
        <translation>Die Rückverfolgung konnte nicht beantwortet werden (%1: %2). Erneut versuchen; schlägt es wieder fehl, der Instandhaltung Bescheid geben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/trace.py" line="158"/>
        <source>No code given: scan the label of the unit or lot, or type its number.</source>
        <translation>Kein Code angegeben: das Etikett der Einheit oder Charge scannen oder ihre Nummer eingeben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/trace.py" line="210"/>
        <source>Nobody is logged in. Log in with your badge to make a recall report: the audit trail records who made it.</source>
        <translation>Niemand ist angemeldet. Mit dem Ausweis anmelden, um einen Rückrufbericht zu erstellen: der Audit-Trail hält fest, wer ihn erstellt hat.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/trace.py" line="239"/>
        <source>The report folder %1 cannot be made (%2). Tell maintenance; nothing was written.</source>
        <translation>Der Berichtsordner %1 kann nicht angelegt werden (%2). Der Instandhaltung Bescheid geben; nichts wurde geschrieben.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/trace.py" line="256"/>
        <source>The recall report could not be written to %1 (%2). Check the disk and try again; nothing was kept.</source>
        <translation>Der Rückrufbericht konnte nicht nach %1 geschrieben werden (%2). Den Datenträger prüfen und erneut versuchen; nichts wurde aufbewahrt.</translation>
    </message>
    <message>
        <location filename="../../hmi/services/trace.py" line="284"/>
        <source>Recall report of %1 %2: %3 units, %4 lots.</source>
        <translation>Rückrufbericht von %1 %2: %3 Einheiten, %4 Chargen.</translation>
    </message>
</context>
</TS>
