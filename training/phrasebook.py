"""A small phrasebook written here, in each language the multilingual model reads besides
English: insults (frames x words), threats of violence against the reader, and harmless posts
that share their words (figures of speech, game talk, blunt but civil criticism, people naming
who they are).

Jigsaw's English rows teach the head what toxicity is; these rows nudge it where cross-lingual
transfer was measured weakest (insults and threats in languages far from English). They are fit
rows only: calibration and every reported figure use real English rows and the hand-written
evaluation set, none of whose posts is repeated here (a unit test checks it).

There are none for Czech, Hindi, Indonesian and Swedish (which only e5 reads): written and
tried, they moved one Czech insult of our set over the line, but e5's severe_toxicity head fell
from 0.93 to 0.63 held-out ROC-AUC (270 positive rows; its early stopping is fragile), so they
were left out. The tone phrasebook has those four languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from training.data import JIGSAW_LABELS, Dataset

SOURCE = "phrasebook"
INSULT = {"toxicity": 1.0, "insult": 1.0, "threat": 0.0, "identity_attack": 0.0}
THREAT = {"toxicity": 1.0, "threat": 1.0, "insult": 0.0, "identity_attack": 0.0}
HARMLESS = dict.fromkeys(JIGSAW_LABELS, 0.0)

# language: (insult frames with {}, insult words, threats, harmless posts)
PHRASES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "de": (
        ("Du bist so ein {}.", "Halt endlich die Fresse, du {}.", "Was für ein {} bist du eigentlich?", "Keiner hört dir zu, du {}."),
        ("Depp", "Spast", "Penner", "Schwachkopf", "Dummkopf", "Loser", "Wichser", "Arschloch", "Hohlkopf", "Witzfigur"),
        ("Ich mach dich kalt.", "Ich stech dich ab, wenn ich dich erwische.", "Ich prügel dich windelweich.", "Dich bring ich um, verlass dich drauf.",
         "Ich weiß, wo deine Kinder zur Schule gehen.", "Du wirst den nächsten Sommer nicht erleben.", "Ich schlag dir den Schädel ein.",
         "Warte nur, bis ich vor deiner Tür stehe.", "Ich jag dir eine Kugel in den Kopf.", "Ich werde dich aufschlitzen."),
        ("Der Boss hat mich zehnmal gekillt, so ein geiles Level.", "Ich sterbe vor Langeweile in diesem Meeting.", "Die Preise sind eine Frechheit, ich kündige.",
         "Das Update ist schlecht und die Akkulaufzeit katastrophal.", "Wir haben sie im Finale vernichtet, Gänsehaut!", "Ich bin Muslim und faste gerade im Ramadan.",
         "Als lesbische Mutter freue ich mich über dieses Forum.", "Der Film war zum Totlachen.", "Ich könnte für einen Kaffee töten.", "Diese Serie bringt mich um den Schlaf.",
         "Euer Support ignoriert mich seit Tagen, sehr enttäuschend.", "Ich hau mich jetzt aufs Ohr, gute Nacht."),
    ),
    "fr": (
        ("T'es vraiment un {}.", "Ferme ta gueule, sale {}.", "Quel {} tu fais.", "Personne ne t'écoute, {}."),
        ("connard", "abruti", "débile", "crétin", "bouffon", "minable", "idiot", "tocard", "guignol", "naze"),
        ("Je vais te buter.", "Je vais te planter un couteau dans le ventre.", "Je vais te défoncer la tête.", "Je vais te retrouver et tu vas le regretter amèrement.",
         "Je sais où vont tes enfants à l'école.", "Tu ne verras pas l'été prochain.", "Je vais te fracasser le crâne.",
         "Attends que je débarque chez toi.", "Je vais te mettre une balle dans la tête.", "Je vais t'étrangler de mes mains."),
        ("Ce boss m'a tué dix fois, quel niveau génial.", "Je meurs d'ennui dans cette réunion.", "Les prix sont scandaleux, je résilie.",
         "La mise à jour est mauvaise et la batterie ne tient plus.", "On les a massacrés en finale, incroyable !", "Je suis musulman et je fais le ramadan.",
         "Mère lesbienne, je suis ravie de ce forum.", "Ce film était à mourir de rire.", "Je tuerais pour un café.", "Cette série me tue, je ne dors plus.",
         "Votre support m'ignore depuis des jours, très décevant.", "Je vais me pieuter, bonne nuit."),
    ),
    "es": (
        ("Eres un {}.", "Cállate ya, {}.", "Menudo {} estás hecho.", "Nadie te escucha, {}."),
        ("gilipollas", "imbécil", "pendejo", "idiota", "payaso", "inútil", "cabrón", "tarado", "subnormal", "mamón"),
        ("Te voy a reventar.", "Te voy a meter una puñalada.", "Te voy a partir la cabeza.", "Te encontraré y lo vas a pagar caro.",
         "Sé a qué colegio van tus hijos.", "No vas a llegar al próximo verano.", "Te rompo la cara en cuanto te vea.",
         "Espera a que aparezca en tu puerta.", "Te voy a meter un balazo en la cabeza.", "Te voy a estrangular con mis manos."),
        ("Ese jefe me mató diez veces, qué nivel tan bueno.", "Me muero de aburrimiento en esta reunión.", "Los precios son un abuso, me doy de baja.",
         "La actualización es mala y la batería dura nada.", "Los aplastamos en la final, ¡increíble!", "Soy musulmán y estoy haciendo el ramadán.",
         "Como madre lesbiana me encanta este foro.", "La película era para morirse de risa.", "Mataría por un café.", "Esta serie me está matando, no duermo.",
         "Vuestro soporte me ignora desde hace días, muy decepcionante.", "Me voy a sobar, buenas noches."),
    ),
    "it": (
        ("Sei proprio un {}.", "Chiudi quella bocca, {}.", "Che {} che sei.", "Nessuno ti ascolta, {}."),
        ("coglione", "deficiente", "idiota", "cretino", "pagliaccio", "fallito", "stronzo", "imbecille", "babbeo", "sfigato"),
        ("Ti faccio fuori.", "Ti pianto un coltello nella pancia.", "Ti spacco la testa.", "Ti trovo e te la faccio pagare cara.",
         "So in che scuola vanno i tuoi figli.", "Non arriverai alla prossima estate.", "Ti rompo il muso appena ti vedo.",
         "Aspetta che mi presenti sotto casa tua.", "Ti pianto una pallottola in testa.", "Ti strangolo con le mie mani."),
        ("Quel boss mi ha ucciso dieci volte, che livello fantastico.", "Muoio di noia in questa riunione.", "I prezzi sono una vergogna, disdico.",
         "L'aggiornamento è pessimo e la batteria non dura niente.", "Li abbiamo massacrati in finale, incredibile!", "Sono musulmano e sto facendo il ramadan.",
         "Da mamma lesbica adoro questo forum.", "Il film era da morire dal ridere.", "Ucciderei per un caffè.", "Questa serie mi sta uccidendo, non dormo più.",
         "Il vostro supporto mi ignora da giorni, molto deludente.", "Vado a nanna, buonanotte."),
    ),
    "pt": (
        ("Você é um {}.", "Cala a boca, seu {}.", "Que {} você é.", "Ninguém te escuta, {}."),
        ("babaca", "otário", "idiota", "imbecil", "palhaço", "fracassado", "cretino", "retardado", "lixo", "bosta"),
        ("Vou te matar.", "Vou te esfaquear.", "Vou quebrar a sua cabeça.", "Vou te achar e você vai pagar caro.",
         "Sei em que escola seus filhos estudam.", "Você não chega no próximo verão.", "Vou arrebentar sua cara quando te ver.",
         "Espera eu aparecer na sua porta.", "Vou meter uma bala na sua cabeça.", "Vou te estrangular com as minhas mãos."),
        ("Esse chefão me matou dez vezes, que fase incrível.", "Estou morrendo de tédio nessa reunião.", "Os preços são um absurdo, vou cancelar.",
         "A atualização é ruim e a bateria não dura nada.", "A gente destruiu eles na final, incrível!", "Sou muçulmano e estou fazendo o ramadã.",
         "Como mãe lésbica adoro este fórum.", "O filme era de morrer de rir.", "Eu mataria por um café.", "Essa série está me matando, não durmo mais.",
         "O suporte me ignora há dias, muito decepcionante.", "Vou capotar, boa noite."),
    ),
    "nl": (
        ("Je bent echt een {}.", "Hou je bek, vuile {}.", "Wat ben jij een {}.", "Niemand luistert naar je, {}."),
        ("klootzak", "eikel", "debiel", "sukkel", "mongool", "lul", "idioot", "zak", "kneus", "oen"),
        ("Ik maak je af.", "Ik steek je neer.", "Ik sla je hersens in.", "Ik vind je en dan ga je ervoor boeten.",
         "Ik weet op welke school je kinderen zitten.", "Jij haalt de volgende zomer niet.", "Ik sla je tanden uit je bek als ik je zie.",
         "Wacht maar tot ik bij jou voor de deur sta.", "Ik schiet een kogel door je kop.", "Ik wurg je met mijn blote handen."),
        ("Die eindbaas heeft me tien keer gekild, wat een gaaf level.", "Ik ga dood van verveling in deze vergadering.", "De prijzen zijn belachelijk, ik zeg op.",
         "De update is slecht en de batterij is zo leeg.", "We hebben ze afgemaakt in de finale, geweldig!", "Ik ben moslim en doe mee aan de ramadan.",
         "Als lesbische moeder ben ik blij met dit forum.", "Die film was om dood te gaan van het lachen.", "Ik zou moorden voor een koffie.", "Deze serie sloopt me, ik slaap niet meer.",
         "Jullie support negeert me al dagen, erg teleurstellend.", "Ik ga pitten, welterusten."),
    ),
    "pl": (
        ("Jesteś zwykłym {}.", "Zamknij mordę, {}.", "Ale z ciebie {}.", "Nikt cię nie słucha, {}."),
        ("idiotą", "kretynem", "debilem", "frajerem", "matołem", "palantem", "ciulem", "śmieciem", "głąbem", "nieudacznikiem"),
        ("Zajebię cię.", "Dźgnę cię nożem.", "Rozwalę ci łeb.", "Znajdę cię i słono za to zapłacisz.",
         "Wiem, do której szkoły chodzą twoje dzieci.", "Nie dożyjesz następnego lata.", "Obiję ci mordę, jak cię zobaczę.",
         "Poczekaj, aż stanę pod twoimi drzwiami.", "Wpakuję ci kulkę w łeb.", "Uduszę cię gołymi rękami."),
        ("Ten boss zabił mnie dziesięć razy, świetny poziom.", "Umieram z nudów na tym spotkaniu.", "Ceny to skandal, rezygnuję.",
         "Aktualizacja jest słaba, a bateria nie trzyma.", "Zmiażdżyliśmy ich w finale, niesamowite!", "Jestem muzułmaninem i poszczę w ramadanie.",
         "Jako matka lesbijka bardzo lubię to forum.", "Ten film był tak śmieszny, że można umrzeć.", "Zabiłbym za kawę.", "Ten serial mnie wykańcza, nie śpię.",
         "Wasze wsparcie ignoruje mnie od dni, bardzo rozczarowujące.", "Idę w kimono, dobranoc."),
    ),
    "ru": (
        ("Ты просто {}.", "Заткнись, {}.", "Ну ты и {}.", "Тебя никто не слушает, {}."),
        ("придурок", "дебил", "идиот", "кретин", "урод", "лох", "козёл", "чмо", "тупица", "ничтожество"),
        ("Я тебя прикончу.", "Я тебя зарежу.", "Я тебе башку проломлю.", "Я тебя найду, и ты за это дорого заплатишь.",
         "Я знаю, в какую школу ходят твои дети.", "Ты не доживёшь до следующего лета.", "Разобью тебе морду, как только увижу.",
         "Жди, скоро я буду у твоей двери.", "Я всажу тебе пулю в голову.", "Я задушу тебя голыми руками."),
        ("Этот босс убил меня десять раз, классный уровень.", "Я умираю от скуки на этом совещании.", "Цены просто грабительские, я отписываюсь.",
         "Обновление плохое, и батарея садится мгновенно.", "Мы их уничтожили в финале, невероятно!", "Я мусульманин и держу пост в Рамадан.",
         "Как мама-лесбиянка я рада этому форуму.", "Фильм был просто умора, чуть не умер.", "Убил бы за чашку кофе.", "Этот сериал меня убивает, не сплю.",
         "Ваша поддержка игнорирует меня несколько дней, очень разочарован.", "Пойду спать, спокойной ночи."),
    ),
    "tr": (
        ("Sen tam bir {}sın.", "Kapa çeneni, {}.", "Ne {} adamsın sen.", "Kimse seni dinlemiyor, {}."),
        ("gerizekalı", "mal", "salak", "dangalak", "aptal", "şerefsiz", "ahmak", "beyinsiz", "ezik", "yavşak"),
        ("Seni gebertirim.", "Seni bıçaklayacağım.", "Kafanı kıracağım.", "Seni bulacağım ve bunun bedelini ağır ödeyeceksin.",
         "Çocuklarının hangi okula gittiğini biliyorum.", "Gelecek yazı göremeyeceksin.", "Seni görünce ağzını burnunu kıracağım.",
         "Kapına dayanmamı bekle.", "Kafana bir kurşun sıkacağım.", "Seni çıplak ellerimle boğacağım."),
        ("O boss beni on kez öldürdü, harika bir bölüm.", "Bu toplantıda sıkıntıdan ölüyorum.", "Fiyatlar rezalet, aboneliği bırakıyorum.",
         "Güncelleme kötü ve pil hemen bitiyor.", "Finalde onları yerle bir ettik, inanılmaz!", "Müslümanım ve ramazanda oruç tutuyorum.",
         "Lezbiyen bir anne olarak bu foruma bayılıyorum.", "Film gülmekten öldürdü beni.", "Bir kahve için her şeyi yaparım.", "Bu dizi beni bitiriyor, uyuyamıyorum.",
         "Destek ekibiniz günlerdir beni yok sayıyor, çok hayal kırıklığı.", "Ben yatıyorum, iyi geceler."),
    ),
    "ar": (
        ("أنت مجرد {}.", "اخرس يا {}.", "يا لك من {}.", "لا أحد يسمعك يا {}."),
        ("حمار", "غبي", "حقير", "تافه", "أحمق", "وسخ", "كلب", "معتوه", "نذل", "فاشل"),
        ("سأقضي عليك.", "سأطعنك بالسكين.", "سأكسر رأسك.", "سأجدك وستدفع الثمن غاليًا.",
         "أعرف مدرسة أطفالك.", "لن تعيش حتى الصيف القادم.", "سأحطم وجهك عندما أراك.",
         "انتظر حتى أقف أمام بابك.", "سأضع رصاصة في رأسك.", "سأخنقك بيدي."),
        ("هذا الزعيم في اللعبة قتلني عشر مرات، مرحلة رائعة.", "أموت من الملل في هذا الاجتماع.", "الأسعار فضيحة، سألغي اشتراكي.",
         "التحديث سيئ والبطارية تنفد بسرعة.", "سحقناهم في النهائي، رائع!", "أنا مسلم وأصوم رمضان.",
         "كأم مثلية أحب هذا المنتدى.", "الفيلم كان مضحكًا حتى الموت.", "أقتل من أجل فنجان قهوة.", "هذا المسلسل يقتلني، لا أنام.",
         "الدعم يتجاهلني منذ أيام، مخيب للآمال جدًا.", "سأنام الآن، تصبحون على خير."),
    ),
    "zh": (
        ("你就是个{}。", "闭嘴吧，{}。", "你真是个{}。", "没人听你说话，{}。"),
        ("傻逼", "蠢货", "废物", "白痴", "脑残", "垃圾", "混蛋", "贱人", "弱智", "人渣"),
        ("我弄死你。", "我捅死你。", "我打爆你的头。", "我会找到你，让你付出代价。",
         "我知道你孩子在哪个学校上学。", "你活不过明年夏天。", "见到你我就打烂你的脸。",
         "等着我上门找你。", "我一枪崩了你。", "我要亲手掐死你。"),
        ("那个boss杀了我十次，这关真好玩。", "这个会开得我无聊死了。", "价格太离谱了，我要退订。",
         "更新很烂，电池掉得飞快。", "决赛我们把他们打爆了，太棒了！", "我是穆斯林，正在斋月封斋。",
         "作为女同妈妈，我很喜欢这个论坛。", "这部电影笑死我了。", "为了一杯咖啡我什么都愿意。", "这部剧要了我的命，根本睡不着。",
         "你们客服好几天都不理我，非常失望。", "我去睡了，晚安。"),
    ),
    "ja": (
        ("お前は本当に{}だな。", "黙れ、{}。", "なんて{}なんだ。", "誰もお前の話なんか聞いてない、{}。"),
        ("クズ", "ゴミ", "バカ", "アホ", "マヌケ", "能無し", "カス", "低能", "役立たず", "ボケ"),
        ("ぶっ殺してやる。", "刺してやるからな。", "頭をかち割ってやる。", "見つけ出して後悔させてやる。",
         "お前の子供がどこの学校に通ってるか知ってるぞ。", "来年の夏まで生きられると思うなよ。", "会ったら顔面をぶん殴ってやる。",
         "お前の家の前で待ってるからな。", "頭に銃弾をぶち込んでやる。", "この手で絞め殺してやる。"),
        ("あのボスに十回も倒された、最高のステージだ。", "この会議、退屈で死にそう。", "値段がひどすぎるので解約します。",
         "アップデートが悪くて電池がすぐ切れる。", "決勝で相手を叩きのめした、最高！", "私はムスリムで、今ラマダンの断食中です。",
         "レズビアンの母親として、このフォーラムが大好きです。", "あの映画は笑い死にするほど面白かった。", "コーヒーのためなら何でもする。", "このドラマのせいで眠れなくて死にそう。",
         "サポートに何日も無視されていて、とても残念です。", "もう寝ます、おやすみなさい。"),
    ),
    "ko": (
        ("너는 진짜 {}야.", "닥쳐, {}아.", "정말 {} 같은 놈이네.", "아무도 네 말 안 들어, {}."),
        ("병신", "멍청이", "쓰레기", "찐따", "또라이", "개새끼", "등신", "한심한 놈", "바보", "머저리"),
        ("죽여 버린다.", "칼로 찔러 버릴 거야.", "머리를 깨 버릴 거야.", "찾아내서 대가를 치르게 해 주지.",
         "네 애들이 어느 학교 다니는지 알아.", "내년 여름까지 못 살 줄 알아.", "보이면 얼굴을 박살 내 주지.",
         "네 집 앞에서 기다리고 있을게.", "머리에 총알을 박아 주지.", "맨손으로 목 졸라 죽일 거야."),
        ("그 보스한테 열 번 죽었어, 최고의 스테이지야.", "이 회의 너무 지루해서 죽을 것 같아.", "가격이 너무 심해서 해지할게요.",
         "업데이트가 별로고 배터리가 금방 닳아요.", "결승에서 상대를 완전히 눌렀어, 대박!", "저는 무슬림이고 라마단 금식 중이에요.",
         "레즈비언 엄마로서 이 포럼이 정말 좋아요.", "그 영화 웃겨서 죽는 줄 알았어.", "커피 한 잔을 위해서라면 뭐든 할 수 있어.", "이 드라마 때문에 잠을 못 자서 죽겠어.",
         "고객지원이 며칠째 답이 없어요, 정말 실망입니다.", "이제 자러 갈게요, 잘 자요."),
    ),
}  # fmt: skip

# Written later (2026-12-07), after reading which threats and insults of the evaluation set the
# model missed: the first phrasebook had threats to kill and name-calling only. These are the
# kinds it lacked, in other situations than the set's posts: threats to injure, threats on a
# condition ("keep talking and ..."), threats against the family, insults said as a sentence
# rather than a name; and harmless posts with the same words (a sore back, a broken arm, a win,
# a bug that hurts performance). Since they were written knowing the failures, the set's figures
# after them are optimistic; benchmarks/data/multilingual_fresh.jsonl, written before the head
# was retrained, is the check on posts nobody tuned for.
# language: (threats, insults, harmless posts)
SAID: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "de": (
        ("Red ruhig weiter, dann landest du im Krankenhaus.", "Kommentier noch einmal meine Beiträge und ich tu dir richtig weh.",
         "Ich warte draußen auf dich und prügel dich grün und blau.", "Lass dich hier noch einmal blicken und ich schlag dir die Zähne aus.",
         "Melde mich noch ein Mal und du wirst bluten.", "Komm ruhig zum Spiel, dann brech ich dir die Arme.",
         "Lösch das, sonst passiert deiner Familie was.", "Beim nächsten Treffen kommst du da nicht mehr auf eigenen Beinen raus."),
        ("Alles, was du schreibst, ist kompletter Müll.", "Du hast das Hirn eines Goldfischs.", "Niemand auf der Welt ist so dämlich wie du.",
         "Du bist ein erbärmlicher Versager ohne Leben.", "Deine Meinung ist genauso wertlos wie du.", "Du kriegst ja nicht mal einen Satz hin, du Vollidiot."),
        ("Mir tut nach dem Training der Rücken weh, aber es hat sich gelohnt.", "Ich hab mir letztes Jahr beim Skifahren den Arm gebrochen, alles gut verheilt.",
         "Wir haben sie am Samstag 3:0 geschlagen, tolles Spiel.", "Dieser Fehler schadet der Leistung enorm, bitte bald beheben."),
    ),
    "fr": (
        ("Continue de parler et tu finis à l'hôpital.", "Commente encore mes posts et je te fais très mal.",
         "Je t'attends dehors et je te roue de coups.", "Remontre ta tête ici et je te casse les dents.",
         "Signale-moi encore une fois et je te fais saigner.", "Viens au match et je te casse les bras.",
         "Efface ça, sinon il arrivera quelque chose à ta famille.", "La prochaine fois qu'on se croise, tu repartiras sur une civière."),
        ("Tout ce que tu écris est une vraie poubelle.", "Tu as le cerveau d'un poisson rouge.", "Personne sur terre n'est aussi stupide que toi.",
         "Tu es un pauvre raté sans vie.", "Ton avis vaut aussi peu que toi.", "Tu n'arrives même pas à écrire une phrase, espèce d'abruti."),
        ("J'ai mal au dos après la salle, mais ça valait le coup.", "Je me suis cassé le bras au ski l'an dernier, c'est bien guéri.",
         "On les a battus 3-0 samedi, super match.", "Ce bug nuit beaucoup aux performances, corrigez-le vite svp."),
    ),
    "es": (
        ("Sigue hablando y acabarás en el hospital.", "Comenta otra vez mis posts y te hago mucho daño.",
         "Te espero fuera y te muelo a palos.", "Vuelve a asomarte por aquí y te parto los dientes.",
         "Denúnciame una vez más y te hago sangrar.", "Ven al partido y te rompo los brazos.",
         "Borra eso o a tu familia le va a pasar algo.", "La próxima vez que nos veamos no sales caminando."),
        ("Todo lo que escribes es pura basura.", "Tienes el cerebro de un pez.", "No hay nadie en el mundo tan estúpido como tú.",
         "Eres un fracasado patético sin vida.", "Tu opinión vale tan poco como tú.", "Ni siquiera sabes escribir una frase, imbécil."),
        ("Me duele la espalda después del gimnasio, pero valió la pena.", "Me rompí el brazo esquiando el año pasado, ya está curado.",
         "Les ganamos 3-0 el sábado, gran partido.", "Este error perjudica mucho el rendimiento, arréglenlo pronto por favor."),
    ),
    "it": (
        ("Continua a parlare e finisci all'ospedale.", "Commenta ancora i miei post e ti faccio molto male.",
         "Ti aspetto fuori e ti riempio di botte.", "Fatti rivedere qui e ti spacco i denti.",
         "Segnalami un'altra volta e ti faccio sanguinare.", "Vieni alla partita e ti spezzo le braccia.",
         "Cancella quel post o alla tua famiglia succede qualcosa.", "La prossima volta che ci vediamo non te ne vai sulle tue gambe."),
        ("Tutto quello che scrivi è spazzatura.", "Hai il cervello di un pesce rosso.", "Nessuno al mondo è stupido quanto te.",
         "Sei un fallito patetico senza una vita.", "La tua opinione vale quanto te, cioè niente.", "Non sai nemmeno scrivere una frase, deficiente."),
        ("Mi fa male la schiena dopo la palestra, ma ne è valsa la pena.", "L'anno scorso mi sono rotto un braccio sciando, ora sto bene.",
         "Li abbiamo battuti 3 a 0 sabato, gran partita.", "Questo bug danneggia molto le prestazioni, correggetelo presto per favore."),
    ),
    "pt": (
        ("Continua falando e você vai parar no hospital.", "Comenta de novo nos meus posts e eu te machuco feio.",
         "Vou te esperar lá fora e te encher de porrada.", "Aparece aqui de novo e eu quebro seus dentes.",
         "Me denuncia mais uma vez e eu te faço sangrar.", "Vem pro jogo que eu quebro seus braços.",
         "Apaga isso ou algo vai acontecer com a sua família.", "Da próxima vez que a gente se encontrar, você não sai andando."),
        ("Tudo o que você escreve é puro lixo.", "Você tem cérebro de peixinho dourado.", "Ninguém no mundo é tão burro quanto você.",
         "Você é um fracassado patético sem vida.", "Sua opinião vale tão pouco quanto você.", "Você nem consegue escrever uma frase, seu imbecil."),
        ("Minhas costas doem depois da academia, mas valeu a pena.", "Quebrei o braço esquiando ano passado, já sarou.",
         "Ganhamos deles de 3 a 0 no sábado, jogaço.", "Esse bug prejudica muito o desempenho, corrijam logo por favor."),
    ),
    "nl": (
        ("Blijf maar praten, dan lig je straks in het ziekenhuis.", "Reageer nog één keer op mijn posts en ik doe je flink pijn.",
         "Ik wacht je buiten op en sla je bont en blauw.", "Laat je hier nog eens zien en ik sla je tanden eruit.",
         "Rapporteer me nog een keer en ik laat je bloeden.", "Kom maar naar de wedstrijd, dan breek ik je armen.",
         "Verwijder dat, anders overkomt je familie iets.", "Als we elkaar weer tegenkomen, loop je daar niet meer zelf weg."),
        ("Alles wat je schrijft is complete rotzooi.", "Je hebt de hersens van een goudvis.", "Niemand op aarde is zo dom als jij.",
         "Je bent een zielige loser zonder leven.", "Jouw mening is net zo waardeloos als jij.", "Je kunt nog geen zin schrijven, stomme idioot."),
        ("Mijn rug doet pijn na de sportschool, maar het was het waard.", "Vorig jaar brak ik mijn arm bij het skiën, alles is goed genezen.",
         "We hebben ze zaterdag met 3-0 verslagen, mooie wedstrijd.", "Deze bug kost veel prestaties, los het alsjeblieft snel op."),
    ),
    "pl": (
        ("Gadaj dalej, a wylądujesz w szpitalu.", "Skomentuj jeszcze raz moje posty, a zrobię ci naprawdę krzywdę.",
         "Poczekam na ciebie przed domem i spiorę cię na kwaśne jabłko.", "Pokaż się tu jeszcze raz, a wybiję ci zęby.",
         "Zgłoś mnie jeszcze raz, a będziesz krwawić.", "Przyjdź na mecz, to połamię ci ręce.",
         "Usuń to, bo inaczej coś się stanie twojej rodzinie.", "Jak się następnym razem spotkamy, nie wyjdziesz o własnych siłach."),
        ("Wszystko, co piszesz, to kompletne śmieci.", "Masz mózg złotej rybki.", "Nikt na świecie nie jest tak głupi jak ty.",
         "Jesteś żałosnym nieudacznikiem bez życia.", "Twoje zdanie jest tak samo nic niewarte jak ty.", "Nie umiesz nawet napisać jednego zdania, debilu."),
        ("Bolą mnie plecy po siłowni, ale było warto.", "W zeszłym roku złamałem rękę na nartach, wszystko się zrosło.",
         "Pokonaliśmy ich w sobotę 3:0, świetny mecz.", "Ten błąd bardzo szkodzi wydajności, naprawcie go szybko, proszę."),
    ),
    "ru": (
        ("Продолжай болтать и окажешься в больнице.", "Ещё раз прокомментируешь мои посты, и я сделаю тебе очень больно.",
         "Подожду тебя на улице и изобью до синяков.", "Покажешься здесь ещё раз, и я выбью тебе зубы.",
         "Пожалуешься на меня ещё раз, и будешь истекать кровью.", "Приходи на матч, и я сломаю тебе руки.",
         "Удали это, иначе с твоей семьёй что-нибудь случится.", "В следующий раз, когда встретимся, ты уйдёшь не на своих ногах."),
        ("Всё, что ты пишешь, — полный мусор.", "У тебя мозги как у золотой рыбки.", "Никто на свете не настолько туп, как ты.",
         "Ты жалкий неудачник без личной жизни.", "Твоё мнение такое же никчёмное, как и ты.", "Ты даже предложение написать не можешь, придурок."),
        ("После спортзала болит спина, но оно того стоило.", "В прошлом году я сломал руку на лыжах, всё зажило.",
         "Мы обыграли их 3:0 в субботу, отличный матч.", "Эта ошибка сильно бьёт по производительности, исправьте поскорее, пожалуйста."),
    ),
    "tr": (
        ("Konuşmaya devam et, hastanelik olursun.", "Gönderilerime bir daha yorum yaz, seni fena hırpalarım.",
         "Seni dışarıda bekleyip bir güzel döveceğim.", "Buraya bir daha gel, dişlerini dökerim.",
         "Beni bir daha şikâyet et, seni kan revan içinde bırakırım.", "Maça gel de kollarını kırayım.",
         "Onu sil, yoksa ailene bir şey olur.", "Bir dahaki karşılaşmamızda oradan yürüyerek çıkamazsın."),
        ("Yazdığın her şey tam bir çöp.", "Japon balığı kadar beynin var.", "Dünyada senin kadar aptal kimse yok.",
         "Sen hayatı olmayan zavallı bir eziksin.", "Fikrin de senin kadar değersiz.", "Bir cümle bile kuramıyorsun, salak."),
        ("Spordan sonra sırtım ağrıyor ama değdi.", "Geçen yıl kayak yaparken kolumu kırdım, tamamen iyileşti.",
         "Cumartesi onları 3-0 yendik, harika maçtı.", "Bu hata performansa çok zarar veriyor, lütfen çabuk düzeltin."),
    ),
    "ar": (
        ("استمر في الكلام وستنتهي في المستشفى.", "علّق على منشوراتي مرة أخرى وسأؤذيك بشدة.",
         "سأنتظرك في الخارج وأضربك حتى تزرقّ.", "أرني وجهك هنا مرة أخرى وسأكسر أسنانك.",
         "بلّغ عني مرة أخرى وسأجعلك تنزف.", "تعال إلى المباراة وسأكسر ذراعيك.",
         "احذف هذا وإلا سيحدث شيء لعائلتك.", "في المرة القادمة التي نلتقي فيها لن تخرج على قدميك."),
        ("كل ما تكتبه قمامة تامة.", "عندك عقل سمكة ذهبية.", "لا أحد على وجه الأرض أغبى منك.",
         "أنت فاشل بائس بلا حياة.", "رأيك تافه مثلك تماماً.", "لا تستطيع حتى كتابة جملة واحدة يا أحمق."),
        ("ظهري يؤلمني بعد النادي لكن الأمر كان يستحق.", "كسرت ذراعي وأنا أتزلج العام الماضي وقد شُفيت تماماً.",
         "هزمناهم ثلاثة مقابل صفر يوم السبت، مباراة رائعة.", "هذا الخلل يضر بالأداء كثيراً، أصلحوه قريباً من فضلكم."),
    ),
    "zh": (
        ("再说下去你就等着进医院吧。", "再评论我的帖子，我就让你很痛。", "我在外面等你，把你打得鼻青脸肿。", "再让我在这里看到你，我就打掉你的牙。",
         "再举报我一次，我就让你见血。", "你敢来看比赛，我就打断你的胳膊。", "把那个删了，不然你家里人会出事。", "下次见面，你别想自己走着离开。"),
        ("你写的每个字都是垃圾。", "你的脑子跟金鱼一样。", "世界上没有人比你更蠢了。",
         "你就是个没有生活的可悲废物。", "你的意见跟你一样一文不值。", "你连一句话都写不通，白痴。"),
        ("健身后背很疼，但很值得。", "去年滑雪时我摔断了胳膊，现在已经好了。", "周六我们3比0打败了他们，比赛太精彩了。", "这个漏洞严重影响性能，请尽快修复。"),
    ),
    "ja": (
        ("これ以上しゃべったら病院送りにしてやる。", "また俺の投稿にコメントしたら、ひどい目にあわせるぞ。", "外で待ち伏せしてボコボコにしてやる。",
         "二度とここに顔を出すな、歯をへし折ってやる。", "もう一度通報したら血を見ることになるぞ。", "試合に来てみろ、腕をへし折ってやる。",
         "それを消せ、さもないと家族がどうなっても知らないぞ。", "次に会ったら、自分の足で帰れると思うなよ。"),
        ("お前の書くことは全部ゴミだ。", "金魚並みの脳みそしかないな。", "お前ほど頭の悪いやつはこの世にいない。",
         "お前は人生のない哀れな負け犬だ。", "お前の意見はお前と同じくらい無価値だ。", "文章一つまともに書けないのか、この間抜け。"),
        ("ジムの後で背中が痛いけど、やった甲斐があった。", "去年スキーで腕を骨折したけど、もう治った。",
         "土曜日に3対0で勝った、いい試合だった。", "このバグは性能にかなり悪影響なので、早めに直してください。"),
    ),
    "ko": (
        ("계속 떠들면 병원 신세 지게 될 거야.", "내 글에 한 번만 더 댓글 달면 아주 아프게 해 줄게.", "밖에서 기다렸다가 흠씬 두들겨 패 줄 거야.",
         "여기 다시 얼굴 내밀면 이빨을 다 부숴 버린다.", "한 번만 더 신고하면 피를 보게 될 거야.", "경기장에 오기만 해, 팔을 꺾어 버릴 거야.",
         "그거 지워, 안 그러면 네 가족한테 무슨 일이 생길 거야.", "다음에 만나면 제 발로 걸어 나가지 못할 줄 알아."),
        ("네가 쓰는 건 전부 쓰레기야.", "금붕어만도 못한 머리를 가졌네.", "세상에 너만큼 멍청한 사람은 없어.",
         "넌 인생도 없는 한심한 패배자야.", "네 의견은 너만큼이나 가치가 없어.", "문장 하나도 제대로 못 쓰냐, 이 멍청아."),
        ("헬스 끝나고 허리가 아프지만 보람 있었어.", "작년에 스키 타다가 팔이 부러졌는데 다 나았어.",
         "토요일에 3대 0으로 이겼어, 멋진 경기였어.", "이 버그 때문에 성능이 많이 떨어져요, 빨리 고쳐 주세요."),
    ),
}  # fmt: skip


# Written later still (2026-12-07, third session), for the two kinds the heads still missed in
# languages other than English: threats that only imply the harm ("watch your back", "accidents
# happen to people who ...") and insults put as a question or a comparison ("do you even have a
# brain?", "my dog argues better than you"); with harmless posts that share their words. Written
# after reading the first fresh set's misses (so that set's later figures are optimistic too) and
# after the second fresh set (benchmarks/data/multilingual_fresh2.jsonl) was committed, in other
# words than either: that set is the check.
# language: (implied threats, insults as questions or comparisons, harmless posts)
IMPLIED: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "de": (
        ("Pass auf, wenn du heute Nacht nach Hause gehst.", "Unfälle passieren Leuten, die zu viel reden.", "Mach nur so weiter und du wirst sehen, was mit dir passiert.",
         "So mutig bist du nicht mehr, wenn ich dich finde.", "Leute wie du verschwinden gern mal.", "Schlaf lieber mit einem offenen Auge."),
        ("Hast du überhaupt ein Hirn oder nur Luft zwischen den Ohren?", "Bist du als Baby auf den Kopf gefallen?", "Gibt es auf dieser Seite irgendwen, der dümmer ist als du?",
         "Mein Hund schreibt bessere Argumente als du.", "Wie kann ein einzelner Mensch so blöd sein?", "Warum machst du überhaupt den Mund auf?"),
        ("Pass auf die Stufen auf, die Treppe ist heute Morgen glatt.", "Unfälle passieren, mach dir wegen der kaputten Tasse keinen Kopf.",
         "Weißt du überhaupt, wie gut dieses Rezept ist? Probier es!", "Wer hat diese Welpen erzogen? Die sind so brav."),
    ),
    "fr": (
        ("Fais gaffe en rentrant chez toi ce soir.", "Les accidents arrivent aux gens qui parlent trop.", "Continue comme ça et tu verras ce qui va t'arriver.",
         "Tu feras moins le malin quand je te trouverai.", "Les gens comme toi ont tendance à disparaître.", "Dors avec un œil ouvert."),
        ("T'as un cerveau ou juste du vent entre les oreilles ?", "T'es tombé sur la tête quand t'étais bébé ?", "Y a-t-il quelqu'un de plus bête que toi sur ce site ?",
         "Mon chien écrit de meilleurs arguments que toi.", "Comment une seule personne peut-elle être aussi stupide ?", "Pourquoi tu prends même la peine d'ouvrir la bouche ?"),
        ("Attention à la marche, l'escalier est glissant ce matin.", "Les accidents arrivent, ne t'en fais pas pour la tasse cassée.",
         "Tu sais à quel point cette recette est bonne ? Essaie-la !", "Qui a dressé ces chiots ? Ils sont si sages."),
    ),
    "es": (
        ("Cuídate las espaldas cuando vuelvas a casa esta noche.", "Los accidentes les pasan a los que hablan demasiado.", "Sigue así y verás lo que te pasa.",
         "No serás tan valiente cuando te encuentre.", "La gente como tú suele desaparecer.", "Duerme con un ojo abierto."),
        ("¿Tienes cerebro o solo aire entre las orejas?", "¿Te caíste de cabeza de pequeño?", "¿Hay alguien más tonto que tú en esta página?",
         "Mi perro escribe mejores argumentos que tú.", "¿Cómo puede una persona ser tan estúpida?", "¿Para qué te molestas en abrir la boca?"),
        ("Cuidado con el escalón, la escalera está resbaladiza esta mañana.", "Los accidentes pasan, no te preocupes por la taza rota.",
         "¿Sabes lo buena que está esta receta? ¡Pruébala!", "¿Quién educó a estos cachorros? Se portan genial."),
    ),
    "it": (
        ("Guardati le spalle quando torni a casa stasera.", "Gli incidenti capitano a chi parla troppo.", "Continua così e vedrai cosa ti succede.",
         "Non farai più il coraggioso quando ti trovo.", "Quelli come te di solito spariscono.", "Dormi con un occhio aperto."),
        ("Ce l'hai un cervello o solo aria tra le orecchie?", "Sei caduto di testa da piccolo?", "C'è qualcuno più stupido di te su questo sito?",
         "Il mio cane scrive argomenti migliori dei tuoi.", "Come può una persona essere così stupida?", "Perché ti prendi pure la briga di aprire bocca?"),
        ("Attento al gradino, le scale sono scivolose stamattina.", "Gli incidenti capitano, non preoccuparti per la tazza rotta.",
         "Lo sai quanto è buona questa ricetta? Provala!", "Chi ha educato questi cuccioli? Sono bravissimi."),
    ),
    "pt": (
        ("Cuidado com as costas quando voltares para casa esta noite.", "Acidentes acontecem a quem fala demais.", "Continua assim e vais ver o que te acontece.",
         "Não vais ser tão corajoso quando eu te encontrar.", "Gente como tu costuma desaparecer.", "Dorme com um olho aberto."),
        ("Tens cérebro ou só ar entre as orelhas?", "Caíste de cabeça quando eras bebé?", "Há alguém mais burro do que tu neste site?",
         "O meu cão escreve argumentos melhores do que tu.", "Como é que uma pessoa consegue ser tão estúpida?", "Porque é que te dás ao trabalho de abrir a boca?"),
        ("Cuidado com o degrau, a escada está escorregadia esta manhã.", "Acidentes acontecem, não te preocupes com a caneca partida.",
         "Sabes como esta receita é boa? Experimenta!", "Quem educou estes cachorros? Portam-se tão bem."),
    ),
    "nl": (
        ("Kijk goed achter je als je vannacht naar huis loopt.", "Ongelukken overkomen mensen die te veel praten.", "Ga zo door en je zult zien wat er met je gebeurt.",
         "Je bent niet meer zo stoer als ik je vind.", "Mensen zoals jij verdwijnen nogal eens.", "Slaap maar met één oog open."),
        ("Heb je eigenlijk hersens of alleen lucht tussen je oren?", "Ben je als baby op je hoofd gevallen?", "Is er iemand op deze site dommer dan jij?",
         "Mijn hond schrijft betere argumenten dan jij.", "Hoe kan één mens zo dom zijn?", "Waarom doe je überhaupt je mond open?"),
        ("Let op de trede, de trap is glad vanochtend.", "Ongelukjes gebeuren, maak je niet druk om die kapotte mok.",
         "Weet je wel hoe lekker dit recept is? Probeer het!", "Wie heeft deze puppy's opgevoed? Ze zijn zo braaf."),
    ),
    "pl": (
        ("Uważaj na siebie, kiedy będziesz wracał dziś w nocy do domu.", "Wypadki zdarzają się ludziom, którzy za dużo gadają.", "Tak dalej, a zobaczysz, co cię spotka.",
         "Nie będziesz taki odważny, kiedy cię znajdę.", "Tacy jak ty lubią znikać bez śladu.", "Śpij z jednym okiem otwartym."),
        ("Masz w ogóle mózg, czy tylko powietrze między uszami?", "Spadłeś na głowę jako niemowlę?", "Jest na tej stronie ktoś głupszy od ciebie?",
         "Mój pies pisze lepsze argumenty niż ty.", "Jak jeden człowiek może być aż tak głupi?", "Po co ty w ogóle otwierasz usta?"),
        ("Uważaj na stopień, schody są rano śliskie.", "Wypadki się zdarzają, nie martw się stłuczonym kubkiem.",
         "Wiesz w ogóle, jak dobry jest ten przepis? Spróbuj!", "Kto wychował te szczeniaki? Są takie grzeczne."),
    ),
    "ru": (
        ("Оглядывайся, когда будешь идти домой ночью.", "С болтунами часто случаются несчастные случаи.", "Продолжай в том же духе и увидишь, что с тобой будет.",
         "Не будешь таким смелым, когда я тебя найду.", "Такие, как ты, обычно пропадают.", "Спи с одним открытым глазом."),
        ("У тебя вообще есть мозг или только воздух между ушами?", "Тебя в детстве роняли головой вниз?", "Есть на этом сайте кто-нибудь тупее тебя?",
         "Моя собака пишет аргументы лучше тебя.", "Как один человек может быть настолько глупым?", "Зачем ты вообще открываешь рот?"),
        ("Осторожно, ступенька, лестница с утра скользкая.", "Всякое случается, не переживай из-за разбитой кружки.",
         "Ты вообще знаешь, какой вкусный этот рецепт? Попробуй!", "Кто воспитал этих щенков? Они такие послушные."),
    ),
    "tr": (
        ("Bu gece eve dönerken arkana dikkat et.", "Çok konuşanların başına kazalar gelir.", "Böyle devam et de başına ne geleceğini gör.",
         "Seni bulduğumda bu kadar cesur olmayacaksın.", "Senin gibiler genelde ortadan kaybolur.", "Bir gözün açık uyu."),
        ("Senin beynin var mı, yoksa kulaklarının arasında sadece hava mı var?", "Bebekken kafanın üstüne mi düştün?", "Bu sitede senden daha aptal biri var mı?",
         "Köpeğim bile senden daha iyi argüman yazar.", "Bir insan nasıl bu kadar aptal olabilir?", "Neden ağzını açma zahmetine giriyorsun ki?"),
        ("Basamağa dikkat et, merdivenler bu sabah kaygan.", "Kaza olur, kırılan kupa için üzülme.",
         "Bu tarifin ne kadar güzel olduğunu biliyor musun? Dene!", "Bu yavruları kim eğitti? Çok uslular."),
    ),
    "ar": (
        ("انتبه لظهرك وأنت عائد إلى بيتك الليلة.", "الحوادث تقع لمن يتكلم كثيراً.", "استمر هكذا وسترى ما سيحدث لك.",
         "لن تكون بهذه الشجاعة عندما أجدك.", "أمثالك يختفون عادةً.", "نم وعينك مفتوحة."),
        ("هل عندك عقل أصلاً أم مجرد هواء بين أذنيك؟", "هل سقطت على رأسك وأنت طفل؟", "هل يوجد أحد في هذا الموقع أغبى منك؟",
         "كلبي يكتب حججاً أفضل منك.", "كيف يمكن لإنسان واحد أن يكون بهذا الغباء؟", "لماذا تتعب نفسك وتفتح فمك أصلاً؟"),
        ("انتبه للدرجة، السلم زلق هذا الصباح.", "الحوادث تحدث، لا تقلق بشأن الكوب المكسور.",
         "هل تعرف كم هذه الوصفة لذيذة؟ جربها!", "من درّب هذه الجراء؟ إنها مهذبة جداً."),
    ),
    "ja": (
        ("今夜帰り道では背後に気をつけろよ。", "しゃべりすぎる奴には事故が起きるものだ。", "そのまま続けてみろ、どうなるか分かるから。",
         "俺に見つかったら、そんなに強気じゃいられないぞ。", "お前みたいな奴はよく消えるんだよ。", "片目を開けて寝ることだな。"),
        ("お前に脳みそはあるのか、それとも耳の間は空気だけか？", "赤ん坊の頃に頭から落ちたのか？", "このサイトにお前よりバカな奴っているのか？",
         "うちの犬のほうがお前よりまともな意見を書く。", "一人の人間がどうしてここまで愚かになれるんだ？", "なんでわざわざ口を開くんだ？"),
        ("段差に気をつけて、今朝は階段が滑りやすいよ。", "事故はつきものだから、割れたマグカップは気にしないで。",
         "このレシピがどれだけおいしいか知ってる？試してみて！", "この子犬たちを育てたのは誰？すごくお利口だね。"),
    ),
    "ko": (
        ("오늘 밤 집에 갈 때 뒤 조심해라.", "말이 많은 사람한테는 사고가 나기 마련이지.", "계속 그래 봐, 너한테 무슨 일이 생기는지 보게 될 테니.",
         "내가 널 찾으면 그렇게 용감하진 못할 거다.", "너 같은 놈들은 보통 사라지더라.", "한쪽 눈 뜨고 자라."),
        ("너 뇌는 있냐, 아니면 귀 사이에 바람만 있냐?", "아기 때 머리부터 떨어졌냐?", "이 사이트에 너보다 멍청한 사람이 있긴 하냐?",
         "우리 집 개가 너보다 더 나은 주장을 쓰겠다.", "사람이 어떻게 이렇게까지 멍청할 수 있지?", "왜 굳이 입을 여는 거냐?"),
        ("계단 조심해, 오늘 아침엔 미끄러워.", "사고는 날 수 있지, 깨진 머그컵은 신경 쓰지 마.",
         "이 레시피가 얼마나 맛있는지 알아? 한번 해 봐!", "이 강아지들 누가 키웠어? 정말 얌전하다."),
    ),
    "zh": (
        ("今晚回家的路上小心点你背后。", "话太多的人容易出意外。", "你就继续这样吧，看看你会有什么下场。",
         "等我找到你，你就没这么嚣张了。", "像你这种人一般都会消失的。", "睡觉的时候最好睁着一只眼。"),
        ("你到底有没有脑子，还是两耳之间只有空气？", "你小时候是不是头先着地摔过？", "这个网站上还有比你更蠢的人吗？",
         "我家的狗写的论点都比你强。", "一个人怎么能蠢成这样？", "你干嘛还要张嘴？"),
        ("小心台阶，今天早上楼梯很滑。", "意外难免，别为摔碎的杯子难过。",
         "你知道这个食谱有多好吃吗？试试看！", "这些小狗是谁训练的？太乖了。"),
    ),
}  # fmt: skip


def phrasebook_rows(languages: Sequence[str] | None = None) -> Dataset:
    """Every phrase (of these languages; all by default) as a labelled row: each insult frame
    with each word, each threat, insult said and harmless post once (all three parts)."""
    texts: list[str] = []
    labels: list[dict[str, float]] = []
    for language, (frames, words, threats, harmless) in PHRASES.items():
        if languages is not None and language not in languages:
            continue
        insults = [frame.format(word) for frame, word in product(frames, words)]
        more_threats, said_insults, more_harmless = SAID[language]
        implied_threats, asked_insults, alike = IMPLIED[language]
        for group, label in (
            ([*insults, *said_insults, *asked_insults], INSULT),
            ([*threats, *more_threats, *implied_threats], THREAT),
            ([*harmless, *more_harmless, *alike], HARMLESS),
        ):
            texts.extend(group)
            labels.extend(dict(label) for _ in group)
    return Dataset(texts=texts, labels=labels, sources=[SOURCE] * len(texts))
