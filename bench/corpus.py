#!/usr/bin/env python3
"""Write a synthetic but plausible content folder of N partnerships, for the benchmark.

    python bench/corpus.py --records 1000 --out bench/out/corpus-1000 --seed 1

The folder follows the content schema exactly (it passes `python build.py check`):
site.yaml and vocabulary.yaml are copied from the project's content/ so the terms are
real; about N/4 places spread over the world (Indonesian regions plus partners in some
twenty countries); N partnerships with a summary, a timeline that walks the real
lifecycle, one to three sources, sectors, and a narrative of about 300 words in each
language built from a bank of parallel Indonesian, English and Japanese sentences; and
five explainers in the three languages. The same seed gives a byte-identical folder.
"""
from __future__ import annotations

import argparse
import datetime
import json
import random
import shutil
import sys
from pathlib import Path

import yaml
from babel import Locale

LANGS = ("id", "en", "ja")
TERRITORIES = {lang: Locale(lang).territories for lang in LANGS}
MARKER = ".kembar-bench-corpus"  # only a folder carrying it is ever deleted by --force
PROJECT_CONTENT = Path(__file__).resolve().parent.parent / "content"

# ---------------------------------------------------------------------------------------
# Places: Indonesian provinces (real names, approximate centres) and partner countries.

PROVINCES = [  # slug, id, en, ja, lat, lon
    ("aceh", "Aceh", "Aceh", "アチェ州", 4.7, 96.7),
    ("sumatera-utara", "Sumatera Utara", "North Sumatra", "北スマトラ州", 2.1, 99.5),
    ("sumatera-barat", "Sumatera Barat", "West Sumatra", "西スマトラ州", -0.7, 100.8),
    ("riau", "Riau", "Riau", "リアウ州", 0.3, 101.7),
    ("lampung", "Lampung", "Lampung", "ランプン州", -4.6, 105.2),
    ("banten", "Banten", "Banten", "バンテン州", -6.4, 106.1),
    ("jawa-barat", "Jawa Barat", "West Java", "西ジャワ州", -6.9, 107.6),
    ("jawa-tengah", "Jawa Tengah", "Central Java", "中部ジャワ州", -7.2, 110.1),
    ("jawa-timur", "Jawa Timur", "East Java", "東ジャワ州", -7.5, 112.2),
    ("bali", "Bali", "Bali", "バリ州", -8.4, 115.2),
    ("nusa-tenggara-barat", "Nusa Tenggara Barat", "West Nusa Tenggara", "西ヌサ・トゥンガラ州", -8.6, 117.4),
    ("kalimantan-timur", "Kalimantan Timur", "East Kalimantan", "東カリマンタン州", 0.5, 116.4),
    ("sulawesi-selatan", "Sulawesi Selatan", "South Sulawesi", "南スラウェシ州", -3.7, 120.0),
    ("sulawesi-utara", "Sulawesi Utara", "North Sulawesi", "北スラウェシ州", 0.6, 123.9),
    ("maluku", "Maluku", "Maluku", "マルク州", -3.2, 130.1),
    ("papua", "Papua", "Papua", "パプア州", -4.3, 138.1),
]

PREFECTURES = [  # ja, romaji, lat, lon
    ("北海道", "Hokkaido", 43.1, 141.3), ("宮城県", "Miyagi", 38.3, 140.9), ("新潟県", "Niigata", 37.9, 139.0),
    ("東京都", "Tokyo", 35.7, 139.7), ("神奈川県", "Kanagawa", 35.4, 139.6), ("静岡県", "Shizuoka", 35.0, 138.4),
    ("愛知県", "Aichi", 35.2, 136.9), ("京都府", "Kyoto", 35.0, 135.8), ("大阪府", "Osaka", 34.7, 135.5),
    ("兵庫県", "Hyogo", 34.7, 135.2), ("広島県", "Hiroshima", 34.4, 132.5), ("福岡県", "Fukuoka", 33.6, 130.4),
    ("熊本県", "Kumamoto", 32.8, 130.7), ("沖縄県", "Okinawa", 26.2, 127.7),
]

# Partner countries: code, weight, centre lat, lon, spread lat, lon, provincial kind (or None).
COUNTRIES = [
    ("JP", 30, 36.0, 138.0, 0.4, 0.4, "prefecture"), ("KR", 8, 36.0, 127.8, 1.2, 1.0, "province"),
    ("CN", 8, 31.0, 113.0, 6.0, 7.0, "province"), ("MY", 4, 3.5, 102.0, 1.8, 1.5, "state"),
    ("AU", 6, -30.0, 140.0, 6.0, 10.0, "state"), ("US", 6, 39.0, -95.0, 7.0, 18.0, "state"),
    ("NL", 3, 52.2, 5.5, 0.6, 0.8, "province"), ("DE", 3, 51.0, 10.0, 2.0, 2.5, "state"),
    ("FR", 3, 46.5, 2.5, 2.5, 3.0, None), ("TH", 3, 15.0, 101.0, 4.0, 1.5, "province"),
    ("VN", 3, 16.0, 107.0, 4.5, 1.0, "province"), ("PH", 3, 12.0, 122.0, 4.0, 1.5, "province"),
    ("IN", 2, 22.0, 79.0, 6.0, 5.0, "state"), ("TR", 2, 39.0, 35.0, 2.0, 6.0, "province"),
    ("TL", 1, -8.8, 125.7, 0.2, 0.6, None), ("SA", 1, 24.0, 45.0, 4.0, 5.0, "province"),
    ("EG", 1, 27.0, 31.0, 3.0, 1.5, None), ("ZA", 1, -29.0, 25.0, 3.0, 4.0, "province"),
    ("BR", 1, -15.0, -47.0, 6.0, 6.0, "state"), ("MX", 1, 23.0, -102.0, 4.0, 5.0, "state"),
    ("CA", 1, 50.0, -100.0, 4.0, 15.0, "province"), ("NZ", 1, -41.0, 174.0, 3.0, 2.0, None),
]
WHOLE_COUNTRIES = [  # a partner may be a whole country (Jepara's is Cambodia)
    ("cambodia", "KH", "Kamboja", "Cambodia", "カンボジア", 12.6, 104.9),
    ("timor-leste", "TL", "Timor Leste", "Timor-Leste", "東ティモール", -8.8, 125.7),
    ("singapore", "SG", "Singapura", "Singapore", "シンガポール", 1.35, 103.8),
    ("brunei", "BN", "Brunei", "Brunei", "ブルネイ", 4.5, 114.7),
    ("papua-new-guinea", "PG", "Papua Nugini", "Papua New Guinea", "パプアニューギニア", -6.3, 143.9),
]

# Syllables with their katakana, so a made-up name has a believable Japanese rendering.
SYLLABLES = {
    "ka": "カ", "ki": "キ", "ku": "ク", "ke": "ケ", "ko": "コ", "ga": "ガ", "gi": "ギ", "gu": "グ", "go": "ゴ",
    "sa": "サ", "si": "シ", "su": "ス", "se": "セ", "so": "ソ", "ta": "タ", "ti": "ティ", "tu": "トゥ",
    "te": "テ", "to": "ト", "da": "ダ", "di": "ディ", "du": "ドゥ", "de": "デ", "do": "ド", "na": "ナ",
    "ni": "ニ", "nu": "ヌ", "no": "ノ", "ba": "バ", "bi": "ビ", "bu": "ブ", "be": "ベ", "bo": "ボ",
    "pa": "パ", "pi": "ピ", "pu": "プ", "ma": "マ", "mi": "ミ", "mu": "ム", "me": "メ", "mo": "モ",
    "ra": "ラ", "ri": "リ", "ru": "ル", "re": "レ", "ro": "ロ", "la": "ラ", "li": "リ", "lu": "ル",
    "ja": "ジャ", "jo": "ジョ", "ca": "チャ", "ya": "ヤ", "wa": "ワ", "ha": "ハ", "a": "ア", "i": "イ",
}
CODAS = {"n": "ン", "ng": "ン", "r": "ル", "s": "ス"}
KANJI_FIRST = [("高", "taka"), ("松", "matsu"), ("山", "yama"), ("川", "kawa"), ("北", "kita"), ("南", "minami"),
               ("東", "higashi"), ("西", "nishi"), ("大", "o"), ("小", "ko"), ("長", "naga"), ("新", "nii"),
               ("富", "tomi"), ("福", "fuku"), ("若", "waka"), ("青", "ao"), ("白", "shira"), ("岩", "iwa"),
               ("石", "ishi"), ("藤", "fuji"), ("桜", "sakura"), ("宮", "miya"), ("豊", "toyo"), ("秋", "aki"),
               ("春", "haru"), ("朝", "asa"), ("吉", "yoshi"), ("鶴", "tsuru"), ("加", "ka"), ("那", "na")]
KANJI_SECOND = [("田", "ta"), ("山", "yama"), ("川", "kawa"), ("崎", "saki"), ("沢", "sawa"), ("原", "hara"),
                ("島", "shima"), ("岡", "oka"), ("浜", "hama"), ("野", "no"), ("津", "tsu"), ("橋", "hashi"),
                ("本", "moto"), ("見", "mi"), ("井", "i"), ("谷", "ya"), ("尾", "o"), ("瀬", "se"), ("里", "sato")]

# Names of a place per kind: (id, en, ja) patterns; {x} the name, {k} its katakana or kanji.
KIND_NAMES = {
    "regency": ("Kabupaten {x}", "{x} Regency", "{k}県"),
    "city": ("Kota {x}", "{x}", "{k}市"),
    "province": ("Provinsi {x}", "{x} Province", "{k}州"),
    "prefecture": ("Prefektur {x}", "{x} Prefecture", "{k}"),
    "state": ("Negara Bagian {x}", "{x}", "{k}州"),
}
PROVINCIAL = {"province", "prefecture", "state", "country", "special-region", "metropolis"}

# ---------------------------------------------------------------------------------------
# Sentence bank: parallel (id, en, ja) sentences about exchanges, tourism and education.
# {a} is the Indonesian party, {b} the partner, {y} a year, {n} a number of people.

BACKGROUND = [
    ("Hubungan antara {a} dan {b} berawal dari kunjungan delegasi pemerintah daerah pada tahun {y}, ketika kedua pihak membahas peluang kerja sama di bidang pariwisata dan pendidikan.",
     "The relationship between {a} and {b} began with a visit by a local government delegation in {y}, when both sides discussed opportunities for cooperation in tourism and education.",
     "{a}と{b}の関係は、{y}年に地方自治体の代表団が訪問したことに始まり、双方は観光と教育の分野での協力の可能性について話し合いました。"),
    ("Kedua daerah memiliki banyak kemiripan, antara lain sebagai daerah pesisir dengan sektor pertanian dan perikanan yang kuat serta tradisi budaya yang masih hidup.",
     "The two regions have much in common: both lie on the coast, have strong farming and fishing sectors, and keep living cultural traditions.",
     "両地域は、ともに海に面し、農業と漁業が盛んで、今も受け継がれる伝統文化があるなど、多くの共通点を持っています。"),
    ("Gagasan kerja sama ini pertama kali diusulkan oleh komunitas warga {b} yang pernah tinggal di {a} sebagai mahasiswa dan pekerja.",
     "The idea of a partnership was first put forward by a community of people from {b} who had once lived in {a} as students and workers.",
     "提携の構想は、かつて留学生や労働者として{a}に暮らしたことのある{b}の市民グループから最初に提案されました。"),
    ("Sejak {y}, sekitar {n} pelajar dan pegawai pemerintah daerah telah saling berkunjung dalam program pertukaran jangka pendek.",
     "Since {y}, about {n} students and local government staff have visited each other on short exchange programmes.",
     "{y}年以降、約{n}人の学生や自治体職員が短期の交流プログラムで相互に訪問しています。"),
    ("Pemerintah {a} menyebut bahwa kerja sama luar negeri ini dilaksanakan sesuai dengan ketentuan kerja sama daerah dan dilaporkan kepada Kementerian Dalam Negeri.",
     "The government of {a} says that this foreign cooperation follows the rules on regional cooperation and is reported to the Ministry of Home Affairs.",
     "{a}の行政当局によると、この海外との協力は地域間協力に関する規則に沿って進められ、内務省に報告されています。"),
    ("Menurut pemberitaan media setempat, penandatanganan dokumen kerja sama dihadiri oleh kedua kepala daerah, anggota DPRD, dan perwakilan kedutaan besar.",
     "According to local media reports, the signing of the cooperation document was attended by the two heads of government, members of the regional assembly and embassy representatives.",
     "地元メディアの報道によると、協力文書の署名式には両地域の首長のほか、地方議会の議員や大使館の関係者が出席しました。"),
    ("Pada awalnya kerja sama ini berfokus pada pertukaran budaya, seperti pertunjukan tari tradisional dan pameran kerajinan tangan di kedua daerah.",
     "At first the partnership focused on cultural exchange, such as performances of traditional dance and exhibitions of handicrafts in both regions.",
     "当初の協力は文化交流が中心で、両地域で伝統舞踊の公演や手工芸品の展示会が開かれました。"),
    ("Hubungan ini juga didukung oleh penerbangan langsung dan meningkatnya jumlah wisatawan dari {b} yang berkunjung ke {a} setiap tahun.",
     "The relationship is also helped by direct flights and by the growing number of visitors from {b} who travel to {a} every year.",
     "この関係は、直行便の就航や、毎年{a}を訪れる{b}からの観光客の増加にも支えられています。"),
    ("Kesepakatan awal ditandatangani setelah kedua pihak melakukan serangkaian pertemuan daring dan kunjungan kerja selama hampir dua tahun.",
     "The first agreement was signed after almost two years of online meetings and working visits between the two sides.",
     "最初の合意は、約2年にわたるオンライン会議と相互の視察を経て署名されました。"),
    ("Para pejabat kedua daerah menekankan bahwa hubungan ini dibangun di atas persahabatan antarwarga, bukan hanya antarpemerintah.",
     "Officials of both regions stress that the relationship rests on friendship between residents, not only between governments.",
     "両地域の担当者は、この関係が行政どうしだけでなく、住民どうしの友情の上に築かれていることを強調しています。"),
]
ACTIVITIES = [
    ("Setiap tahun, sekolah menengah di {a} mengirim siswa ke {b} untuk tinggal bersama keluarga angkat dan mengikuti pelajaran di sekolah mitra.",
     "Every year, secondary schools in {a} send pupils to {b} to stay with host families and attend lessons at partner schools.",
     "毎年、{a}の中等学校の生徒が{b}を訪れ、ホームステイをしながら提携校の授業に参加しています。"),
    ("Dinas pariwisata kedua daerah bersama-sama mempromosikan paket wisata yang menggabungkan kunjungan ke situs budaya, kuliner lokal, dan desa wisata.",
     "The tourism offices of both regions jointly promote travel packages that combine visits to cultural sites, local food and tourist villages.",
     "両地域の観光部局は、文化遺産の見学や郷土料理、観光村の訪問を組み合わせた旅行商品を共同で宣伝しています。"),
    ("Program pelatihan kerja memberi kesempatan kepada lulusan sekolah vokasi dari {a} untuk belajar teknik perawatan lansia dan pertanian modern di {b}.",
     "A job training programme gives graduates of vocational schools in {a} the chance to learn elderly care and modern farming techniques in {b}.",
     "職業訓練プログラムでは、{a}の職業高校の卒業生が{b}で介護や近代的な農業の技術を学ぶ機会を得ています。"),
    ("Dalam festival tahunan di {b}, kelompok seni dari {a} menampilkan gamelan, tari, dan batik, yang menarik ribuan pengunjung.",
     "At the annual festival in {b}, arts groups from {a} perform gamelan music and dance and show batik, drawing thousands of visitors.",
     "{b}で毎年開かれる祭りでは、{a}の芸術団体がガムランの演奏や舞踊を披露し、バティックを紹介して、多くの来場者を集めています。"),
    ("Universitas di kedua daerah telah menandatangani perjanjian pertukaran mahasiswa dan penelitian bersama di bidang lingkungan hidup.",
     "Universities in the two regions have signed agreements on student exchange and joint research on the environment.",
     "両地域の大学は、学生交流と環境分野の共同研究に関する協定を結んでいます。"),
    ("Pegawai pemerintah {a} mengikuti pelatihan tentang pengelolaan sampah dan penanggulangan bencana yang diselenggarakan oleh {b}.",
     "Staff of the {a} government have taken part in training on waste management and disaster preparedness organised by {b}.",
     "{a}の自治体職員は、{b}が実施するごみ処理と防災に関する研修に参加しています。"),
    ("Pelaku usaha kecil dan menengah dari {a} mengikuti pameran dagang di {b} untuk memperkenalkan kopi, rempah, dan produk kerajinan.",
     "Small and medium-sized businesses from {a} have joined trade fairs in {b} to introduce their coffee, spices and craft products.",
     "{a}の中小企業は{b}の見本市に出展し、コーヒーや香辛料、工芸品を紹介しています。"),
    ("Klub olahraga pemuda dari kedua daerah bertanding dalam turnamen persahabatan sepak bola dan bulu tangkis.",
     "Youth sports clubs from both regions have met in friendly football and badminton tournaments.",
     "両地域の青少年スポーツクラブは、サッカーやバドミントンの親善試合で交流しています。"),
    ("Selama pandemi, pertukaran tetap berjalan secara daring melalui kelas bahasa dan pertemuan virtual antarsekolah.",
     "During the pandemic, the exchanges continued online through language classes and virtual meetings between schools.",
     "新型コロナウイルス感染症の流行中も、語学講座や学校どうしのオンライン交流を通じて交流が続けられました。"),
    ("Kedua pihak juga bertukar pengalaman tentang pengelolaan air bersih dan transportasi umum di kawasan perkotaan.",
     "The two sides also share experience in managing clean water and public transport in urban areas.",
     "双方は、都市部における上水道の管理や公共交通についても経験を共有しています。"),
]
OUTLOOK = [
    ("Ke depan, kedua pemerintah daerah berencana memperluas kerja sama ke bidang kesehatan dan ekonomi digital.",
     "In future, the two governments plan to extend the partnership to health and the digital economy.",
     "今後、両自治体は協力の範囲を保健医療やデジタル経済の分野にも広げる予定です。"),
    ("Pemerintah {a} berharap kerja sama ini dapat meningkatkan jumlah wisatawan mancanegara dan membuka lapangan kerja baru bagi warga.",
     "The government of {a} hopes the partnership will bring more foreign visitors and create new jobs for residents.",
     "{a}の行政当局は、この提携によって外国人観光客が増え、住民の新たな雇用が生まれることを期待しています。"),
    ("Dokumen kerja sama berlaku selama lima tahun dan dapat diperpanjang atas persetujuan kedua pihak.",
     "The cooperation document is valid for five years and can be renewed if both sides agree.",
     "協力文書の有効期間は5年間で、双方が合意すれば延長することができます。"),
    ("Evaluasi pelaksanaan kerja sama dilakukan setiap tahun dan hasilnya disampaikan kepada DPRD.",
     "The partnership is reviewed every year, and the results are reported to the regional assembly.",
     "協力の実施状況は毎年評価され、その結果は地方議会に報告されています。"),
    ("Beberapa sumber mencatat bahwa kegiatan sempat berkurang setelah pergantian kepala daerah, tetapi kemudian dilanjutkan kembali.",
     "Some sources note that activity slowed after a change of regional head but later resumed.",
     "一部の資料によると、首長の交代後に活動が一時的に減りましたが、その後再開されました。"),
    ("Warga yang ingin ikut serta dalam program pertukaran dapat menghubungi bagian kerja sama sekretariat daerah.",
     "Residents who wish to take part in the exchange programmes can contact the cooperation section of the regional secretariat.",
     "交流プログラムへの参加を希望する住民は、自治体の国際交流担当窓口に問い合わせることができます。"),
    ("Kedua pihak sepakat untuk menyusun rencana aksi bersama yang memuat kegiatan, jadwal, dan pembagian biaya.",
     "Both sides have agreed to draw up a joint action plan that sets out activities, a timetable and how costs are shared.",
     "双方は、活動内容や日程、費用の分担を定めた共同行動計画を策定することで合意しています。"),
    ("Perayaan ulang tahun kerja sama direncanakan dengan pertunjukan budaya dan kunjungan delegasi warga.",
     "An anniversary of the partnership is to be marked with cultural performances and a visit by a citizens' delegation.",
     "提携の周年記念には、文化公演や市民訪問団の派遣が予定されています。"),
]
HEADINGS = (("Latar belakang", "Background", "提携の経緯"),
            ("Kegiatan kerja sama", "Activities", "主な交流事業"),
            ("Rencana ke depan", "Looking ahead", "今後の展望"))
SEE_ALSO = ("Situs ini mencatat kerja sama ini pada tahap [{status}](status:{st}); lihat juga [{other}](partnership:{os}) dan [laporan {pub}]({url}).",
            "This site records the partnership at the stage [{status}](status:{st}); see also [{other}](partnership:{os}) and the [report by {pub}]({url}).",
            "当サイトでは、この提携を「[{status}](status:{st})」の段階として記録しています。あわせて[{other}](partnership:{os})や[{pub}の記事]({url})もご覧ください。")
# Bullet points per field of cooperation; the sector label is put in front.
TOPIC_OF = {"culture": "culture", "arts": "culture", "heritage": "culture", "tourism": "tourism",
            "regional-promotion": "tourism", "education": "education", "youth-sports": "education",
            "science-tech": "education", "labour": "labour", "vocational-training": "labour",
            "labour-placement": "labour", "technical-intern": "labour", "msme": "economy", "trade": "economy",
            "industry": "economy", "investment": "economy", "economy": "economy", "agriculture": "agriculture",
            "fisheries": "agriculture", "health": "health", "environment": "environment", "waste": "environment",
            "water": "environment", "disaster": "environment"}
BULLETS = {
    "culture": [("pertukaran seniman, festival budaya bersama, dan pelestarian cagar budaya",
                 "exchanges of artists, joint cultural festivals and the care of heritage sites",
                 "芸術家の交流、合同の文化祭、文化財の保護"),
                ("pameran seni dan lokakarya kerajinan tradisional", "art exhibitions and workshops on traditional crafts",
                 "美術展や伝統工芸のワークショップ")],
    "tourism": [("promosi wisata bersama dan pengembangan desa wisata",
                 "joint tourism promotion and the development of tourist villages", "観光の共同プロモーションと観光村づくり"),
                ("pelatihan pemandu wisata dan kampanye wisata berkelanjutan",
                 "training for tour guides and campaigns for sustainable tourism", "観光ガイドの研修と持続可能な観光の推進")],
    "education": [("pertukaran pelajar, guru, dan mahasiswa", "exchanges of pupils, teachers and university students",
                   "生徒・教員・大学生の交流"),
                  ("beasiswa dan kelas bahasa", "scholarships and language classes", "奨学金の支給と語学講座")],
    "labour": [("pelatihan vokasi dan penempatan tenaga kerja", "vocational training and job placement",
                "職業訓練と人材の送り出し"),
               ("magang teknis di perusahaan mitra", "technical internships at partner companies", "提携先企業での技能実習")],
    "economy": [("pameran dagang dan pendampingan usaha kecil", "trade fairs and support for small businesses",
                 "見本市の開催と中小企業の支援"),
                ("promosi investasi dan produk unggulan daerah", "promotion of investment and regional products",
                 "投資の誘致と地域特産品の販売促進")],
    "agriculture": [("teknologi pertanian dan pengolahan hasil perikanan",
                     "farming technology and the processing of fish products", "農業技術と水産物の加工")],
    "health": [("pelatihan tenaga kesehatan dan perawatan lansia", "training for health workers and elderly care",
                "医療従事者の研修と高齢者介護")],
    "environment": [("pengelolaan sampah, air bersih, dan kesiapsiagaan bencana",
                     "waste management, clean water and disaster preparedness", "ごみ処理、上水道、防災への備え")],
    "governance": [("tata kelola pemerintahan, transportasi, dan kota cerdas",
                    "public administration, transport and smart cities", "行政運営、交通、スマートシティ")],
}
STAGE_TEXT = {
    "exploring": ("Delegasi {b} berkunjung ke {a} dan kedua pihak mulai menjajaki kerja sama.",
                  "A delegation from {b} visited {a}, and the two sides began exploring a partnership.",
                  "{b}の訪問団が{a}を訪れ、双方は提携に向けた協議を始めました。"),
    "loi-signed": ("Kedua pihak menandatangani surat pernyataan kehendak (LoI).",
                   "The two sides signed a letter of intent.", "双方は意向書に署名しました。"),
    "in-approval": ("Rencana kerja sama diajukan kepada DPRD dan Kementerian Dalam Negeri untuk mendapat persetujuan.",
                    "The planned partnership was submitted to the regional assembly and the Ministry of Home Affairs for approval.",
                    "提携案は承認を得るため、地方議会と内務省に提出されました。"),
    "mou-signed": ("Kepala daerah {a} dan {b} menandatangani Nota Kesepahaman (MoU).",
                   "The heads of {a} and {b} signed a memorandum of understanding.",
                   "{a}と{b}の首長が覚書（MOU）に署名しました。"),
    "active": ("Program pertukaran pertama dilaksanakan berdasarkan kerja sama ini.",
               "The first exchange programme under the partnership took place.",
               "提携に基づく最初の交流事業が実施されました。"),
    "expired": ("Masa berlaku Nota Kesepahaman berakhir dan belum diperpanjang.",
                "The memorandum of understanding expired and has not been renewed.",
                "覚書の有効期間が終了し、まだ更新されていません。"),
    "dormant": ("Sumber setempat melaporkan bahwa tidak ada kegiatan bersama selama beberapa tahun.",
                "Local sources reported no joint activity for several years.",
                "地元の資料によると、数年間にわたり共同の活動は行われていません。"),
    "ended": ("Kedua pihak sepakat untuk mengakhiri kerja sama.", "The two sides agreed to end the partnership.",
              "双方は提携を終了することで合意しました。"),
}
EXTRA_EVENTS = [
    ("Delegasi pelajar dari {a} berkunjung ke {b}.", "A student delegation from {a} visited {b}.",
     "{a}の学生訪問団が{b}を訪れました。"),
    ("Kelompok seni dari {a} tampil dalam festival budaya di {b}.", "Arts groups from {a} performed at a cultural festival in {b}.",
     "{a}の芸術団体が{b}の文化祭で公演しました。"),
    ("Pejabat {b} meninjau program pelatihan di {a}.", "Officials from {b} reviewed a training programme in {a}.",
     "{b}の職員が{a}で研修事業を視察しました。"),
]
SUMMARY = ("{a} dan {b} menjalin hubungan {type} sejak {y}. Kerja sama ini mencakup bidang {sectors}.",
           "{a} and {b} have had a {type} relationship since {y}. It covers {sectors}.",
           "{a}と{b}は{y}年から{type}の関係にあります。主な協力分野は{sectors}です。")
SUMMARY_NO_SECTORS = ("{a} dan {b} menjalin hubungan {type} sejak {y}.",
                      "{a} and {b} have had a {type} relationship since {y}.",
                      "{a}と{b}は{y}年から{type}の関係にあります。")
CAUTION = ("Sumber-sumber berbeda mengenai tanggal penandatanganan; situs ini mengikuti {pub}.",
           "Sources disagree on the date of signing; this site follows {pub}.",
           "署名の日付は資料によって異なります。当サイトでは{pub}の記載に従っています。")
DESCRIPTION = ("{x} adalah {kind} di {country} dengan penduduk sekitar {n} jiwa.",
               "{x} is a {kind} in {country} with about {n} inhabitants.",
               "{x}は{country}の{kind}で、人口は約{n}人です。")
PUBLISHERS = {  # lang -> (publisher, domain); the .example domains are reserved (RFC 2606)
    "id": [("ANTARA", "antara.example"), ("Kompas", "kompas.example"), ("Tempo", "tempo.example"),
           ("detikcom", "detik.example"), ("RRI", "rri.example"), ("Jawa Pos", "jawapos.example")],
    "en": [("The Jakarta Post", "jakartapost.example"), ("The Japan Times", "japantimes.example"),
           ("Sister Cities International", "sistercities.example")],
    "ja": [("NHK", "nhk.example"), ("朝日新聞", "asahi.example"), ("日本経済新聞", "nikkei.example"),
           ("自治体国際化協会（CLAIR）", "clair.example")],
}
SOURCE_TITLE = {"id": "{a} dan {b} perkuat kerja sama {s}", "en": "{a} and {b} strengthen ties in {s}",
                "ja": "{a}と{b}、{s}分野で連携強化"}
EXPLAINERS = [  # slug, (id, en, ja) title, (id, en, ja) summary, (id, en, ja) opening sentence
    ("what-is-a-sister-city", ("Apa itu kota kembar?", "What is a sister city?", "姉妹都市とは"),
     ("Pengertian kota kembar dan manfaatnya.", "What a sister city is and what it brings.", "姉妹都市の意味とその役割を説明します。"),
     ("Kota kembar adalah kerja sama jangka panjang antara dua pemerintah daerah di dua negara.",
      "A sister city is a long-term partnership between two local governments in two countries.",
      "姉妹都市とは、2か国の地方自治体が結ぶ長期的な提携のことです。")),
    ("how-partnerships-form", ("Bagaimana kerja sama terbentuk", "How partnerships form", "姉妹都市提携ができるまで"),
     ("Tahap-tahap dari penjajakan sampai pelaksanaan.", "The stages from first talks to implementation.",
      "最初の協議から実施までの段階を説明します。"),
     ("Setiap kerja sama daerah dengan luar negeri melewati beberapa tahap yang diatur dalam peraturan pemerintah.",
      "Every partnership of an Indonesian region with a partner abroad passes through stages set by government regulation.",
      "インドネシアの地方自治体が海外と結ぶ提携は、政府の規則に定められたいくつかの段階を経て成立します。")),
    ("reading-the-status", ("Cara membaca status", "How to read a status", "ステータスの読み方"),
     ("Arti setiap status dan tanggal per.", "What each status and its as-of date mean.", "各ステータスと基準日の意味を説明します。"),
     ("Setiap kerja sama ditampilkan dengan status terakhirnya dan tanggal peristiwa terbaru.",
      "Every partnership is shown with its latest status and the date of its newest event.",
      "各提携は、最新のステータスと最も新しい出来事の日付とともに表示されます。")),
    ("sectors-of-cooperation", ("Bidang kerja sama", "Fields of cooperation", "協力の分野"),
     ("Bidang-bidang yang paling sering disebut.", "The fields named most often.", "よく挙げられる協力分野を紹介します。"),
     ("Kerja sama kota kembar mencakup banyak bidang, dari budaya dan pendidikan sampai pengelolaan sampah.",
      "Sister-city partnerships cover many fields, from culture and education to waste management.",
      "姉妹都市の協力は、文化や教育からごみ処理まで、さまざまな分野に及びます。")),
    ("where-the-data-comes-from", ("Dari mana data ini berasal", "Where the data comes from", "データの出典"),
     ("Sumber yang dipakai situs ini.", "The sources this site uses.", "当サイトが使う資料について説明します。"),
     ("Setiap fakta di situs ini berasal dari sumber yang disebutkan pada halaman kerja sama.",
      "Every fact on this site comes from a source listed on the partnership's page.",
      "当サイトのすべての情報は、各提携のページに記載した資料に基づいています。")),
]
STATUS_WEIGHTS = {"exploring": 12, "loi-signed": 10, "in-approval": 5, "mou-signed": 20, "active": 35,
                  "expired": 8, "dormant": 6, "ended": 4}
LIFECYCLE = ("exploring", "loi-signed", "in-approval", "mou-signed", "active")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def text_yaml(key: str, values, indent: str = "") -> str:
    lines = [f"{indent}{key}:"]
    lines += [f"{indent}  {lang}: {q(value)}" for lang, value in zip(LANGS, values)]
    return "\n".join(lines) + "\n"


def lower_first(label: str) -> str:
    """'Sister city' -> 'sister city', but 'UMKM' and 'MoU signed' stay as they are."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def join(items, lang: str) -> str:
    if lang == "ja" or len(items) < 2:
        return "、".join(items)
    return ", ".join(items[:-1]) + (" dan " if lang == "id" else " and ") + items[-1]


class Corpus:
    def __init__(self, records: int, seed: int, site_yaml: str, vocabulary_yaml: str):
        self.n, self.rng = records, random.Random(f"kembar-bench:{seed}")
        self.site_yaml, self.vocabulary_yaml = site_yaml, vocabulary_yaml
        vocab = yaml.safe_load(vocabulary_yaml)
        self.labels = {section: {key: tuple(term["label"][lang] for lang in LANGS) for key, term in terms.items()}
                       for section, terms in vocab.items()}
        self.slugs: set[str] = set()
        self.places: dict[str, dict] = {}
        self.partnerships: dict[str, dict] = {}

    # -- places ----------------------------------------------------------------------
    def made_up_name(self) -> tuple[str, str]:
        rng = self.rng
        while True:
            parts = rng.sample(sorted(SYLLABLES), rng.choice((2, 3, 3)))
            latin, kana = "".join(parts), "".join(SYLLABLES[p] for p in parts)
            if rng.random() < 0.3:
                coda = rng.choice(sorted(CODAS))
                latin, kana = latin + coda, kana + CODAS[coda]
            if len(latin) >= 4 and latin not in self.slugs:
                self.slugs.add(latin)
                return latin.capitalize(), kana

    def japanese_name(self) -> tuple[str, str]:
        rng = self.rng
        for attempt in range(1000):
            parts = [rng.choice(KANJI_FIRST), rng.choice(KANJI_SECOND)]
            if attempt > 50:  # two characters run out at large N: add a third
                parts.insert(0, rng.choice(KANJI_FIRST))
            latin, kanji = "".join(p[1] for p in parts), "".join(p[0] for p in parts)
            if latin not in self.slugs:
                self.slugs.add(latin)
                return latin.capitalize(), kanji
        return self.made_up_name()

    def jitter(self, lat, lon, dlat, dlon) -> list[float]:
        rng = self.rng
        return [round(max(-89.0, min(89.0, lat + rng.uniform(-dlat, dlat))), 2),
                round(max(-179.0, min(179.0, lon + rng.uniform(-dlon, dlon))), 2)]

    def add_place(self, slug, names, kind, country, location, region=None):
        self.slugs.add(slug)
        self.places[slug] = {"names": names, "kind": kind, "country": country, "region": region,
                             "location": location, "indonesian": country == "ID"}

    def make_places(self) -> None:
        rng = self.rng
        total = self.n // 4 + 20
        indonesian = max(4, int(total * 0.4))
        provinces = PROVINCES[: min(len(PROVINCES), max(2, indonesian // 3))]
        for slug, id_, en, ja, lat, lon in provinces:
            self.add_place(slug, (f"Provinsi {id_}", f"{en} Province", ja), "province", "ID", self.jitter(lat, lon, 0.1, 0.1))
        for _ in range(indonesian - len(provinces)):
            slug_, id_, en, ja, lat, lon = rng.choice(PROVINCES)
            latin, kana = self.made_up_name()
            kind = rng.choice(("regency", "regency", "city"))
            names = tuple(p.format(x=latin, k=kana) for p in KIND_NAMES[kind])
            self.add_place(latin.lower(), names, kind, "ID", self.jitter(lat, lon, 1.0, 1.5), (id_, en, ja))
        countries = WHOLE_COUNTRIES[: min(len(WHOLE_COUNTRIES), total // 20)]
        for slug, cc, id_, en, ja, lat, lon in countries:
            self.add_place(slug, (id_, en, ja), "country", cc, [lat, lon])
        weights = [c[1] for c in COUNTRIES]
        for _ in range(total - indonesian - len(countries)):
            cc, _w, lat, lon, dlat, dlon, provincial = rng.choices(COUNTRIES, weights)[0]
            if cc == "JP":
                pref, romaji, plat, plon = rng.choice(PREFECTURES)
                latin, kanji = self.japanese_name()
                region = (f"Prefektur {romaji}", f"{romaji} Prefecture", pref)
                self.add_place(latin.lower(), (f"Kota {latin}", latin, kanji + "市"), "city", "JP",
                               self.jitter(plat, plon, dlat, dlon), region)
                continue
            latin, kana = self.made_up_name()
            kind = provincial if provincial and rng.random() < 0.2 else "city"
            names = tuple(p.format(x=latin, k=kana) for p in KIND_NAMES[kind])
            self.add_place(latin.lower(), names, kind, cc, self.jitter(lat, lon, dlat, dlon))

    # -- partnerships ----------------------------------------------------------------
    def make_partnerships(self) -> None:
        rng = self.rng
        ids = [s for s, p in self.places.items() if p["indonesian"]]
        partners = [s for s, p in self.places.items() if not p["indonesian"]]
        # A few regions have many partners, most have one or two (as in reality).
        id_weights = [1 / (i + 1) ** 0.7 for i in range(len(ids))]
        partner_weights = [1 / (i + 1) ** 0.5 for i in range(len(partners))]
        rng.shuffle(ids)
        rng.shuffle(partners)
        attempts = 0
        while len(self.partnerships) < self.n:
            i = len(self.partnerships)
            a = ids[i] if i < len(ids) else rng.choices(ids, id_weights)[0]
            b = partners[i] if i < len(partners) else rng.choices(partners, partner_weights)[0]
            slug = f"{a}-{b}"
            attempts += 1
            if slug in self.partnerships or slug in self.slugs:
                if attempts > self.n * 50:
                    raise SystemExit("too few places for that many partnerships")
                continue
            self.slugs.add(slug)
            self.partnerships[slug] = self.partnership(a, b)
        # Each narrative links one other partnership, so the link checker has work to do.
        slugs = list(self.partnerships)
        for slug, p in self.partnerships.items():
            p["related"] = rng.choice(slugs)

    def partnership(self, a: str, b: str) -> dict:
        rng = self.rng
        pa, pb = self.places[a], self.places[b]
        both_provincial = pa["kind"] in PROVINCIAL and pb["kind"] in PROVINCIAL
        type_ = rng.choices(["sister-province" if both_provincial else "sister-city", "friendship",
                             "thematic-cooperation"], [65, 20, 15])[0]
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        path = list(LIFECYCLE[: LIFECYCLE.index(status) + 1]) if status in LIFECYCLE else \
            list(LIFECYCLE[: rng.choice((4, 5))]) + [status]
        stages = [s for s in path[:-1] if rng.random() < 0.5] + [path[-1]]
        events = [(s, STAGE_TEXT[s]) for s in stages]
        for _ in range(rng.choice((0, 0, 1, 2))):  # unstaged events between the stages
            events.insert(rng.randrange(len(events)), (None, rng.choice(EXTRA_EVENTS)))
        day = datetime.date(rng.randint(1965, 2024 - 2 * len(events)), rng.randint(1, 12), rng.randint(1, 28))
        timeline = []
        for stage, text in events:
            day += datetime.timedelta(days=rng.randint(30, 700))
            precision = rng.choices((4, 7, 10), (2, 3, 5))[0]
            timeline.append((day.isoformat()[:precision], stage, text))
        sectors = sorted(rng.sample(sorted(self.labels["sectors"]), rng.choice((0, 1, 2, 3, 3, 4, 5))),
                         key=list(self.labels["sectors"]).index)
        sources = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            lang = rng.choices(LANGS, (55, 20, 25))[0]
            publisher, domain = rng.choice(PUBLISHERS[lang])
            date = rng.choice(timeline)[0]
            sources.append((lang, publisher, f"https://www.{domain}/{date[:4]}/{rng.randint(10000, 999999)}/{a}-{b}", date))
        return {"parties": (a, b), "type": type_, "status": status, "sectors": sectors, "timeline": timeline,
                "sources": sources, "caution": rng.random() < 0.1, "n": rng.choice((20, 35, 50, 80, 120, 200, 350)),
                "background": rng.sample(BACKGROUND, 5), "activities": rng.sample(ACTIVITIES, 3),
                "outlook": rng.sample(OUTLOOK, 3)}

    # -- writing ---------------------------------------------------------------------
    def names(self, slug: str) -> tuple[str, str, str]:
        return self.places[slug]["names"]

    def place_yaml(self, slug: str, p: dict) -> str:
        out = text_yaml("names", p["names"]) + f"kind: {p['kind']}\ncountry: {p['country']}\n"
        if p["region"]:
            out += "region: {" + ", ".join(f"{lang}: {q(v)}" for lang, v in zip(LANGS, p["region"])) + "}\n"
        out += f"location: [{p['location'][0]}, {p['location'][1]}]\n"
        if p["kind"] != "country" and sum(map(ord, slug)) % 3 == 0:  # a third have a sourced description
            kind = self.labels["place_kinds"][p["kind"]]
            countries = tuple(TERRITORIES[lang][p["country"]] for lang in LANGS)
            people = f"{(sum(map(ord, slug)) * 7919) % 900000 + 20000:,}"
            values = [DESCRIPTION[i].format(x=p["names"][i], kind=lower_first(kind[i]), country=countries[i],
                                            n=people.replace(",", ".") if i == 0 else people)
                      for i in range(3)]
            out += text_yaml("description", values)
            out += (f"sources:\n  - title: {q(p['names'][1])}\n    publisher: Wikipedia\n"
                    f"    url: https://en.wikipedia.example/wiki/{slug}\n    lang: en\n")
        return out

    def partnership_yaml(self, slug: str, p: dict) -> str:
        a, b = (self.names(s) for s in p["parties"])
        out = f"parties: [{p['parties'][0]}, {p['parties'][1]}]\ntype: {p['type']}\nstatus: {p['status']}\n"
        if p["sectors"]:
            out += f"sectors: [{', '.join(p['sectors'])}]\n"
        year = p["timeline"][0][0][:4]
        type_label = self.labels["types"][p["type"]]
        summary = []
        for i, lang in enumerate(LANGS):
            sectors = [lower_first(self.labels["sectors"][s][i]) if lang != "ja" else self.labels["sectors"][s][i]
                       for s in p["sectors"]]
            pattern = SUMMARY[i] if sectors else SUMMARY_NO_SECTORS[i]
            summary.append(pattern.format(a=a[i], b=b[i], y=year, sectors=join(sectors, lang),
                                          type=lower_first(type_label[i]) if lang != "ja" else type_label[i]))
        out += text_yaml("summary", summary)
        if p["caution"]:
            out += text_yaml("caution", [c.format(pub=p["sources"][0][1]) for c in CAUTION])
        out += "timeline:\n"
        for date, stage, text in p["timeline"]:
            out += f"  - date: {q(date)}\n"
            if stage:
                out += f"    stage: {stage}\n"
            out += text_yaml("text", [t.format(a=a[i], b=b[i]) for i, t in enumerate(text)], "    ")
        out += "sources:\n"
        sector = p["sectors"][0] if p["sectors"] else "culture"
        for lang, publisher, url, date in p["sources"]:
            i = LANGS.index(lang)
            title = SOURCE_TITLE[lang].format(a=a[i], b=b[i], s=lower_first(self.labels["sectors"][sector][i])
                                              if lang != "ja" else self.labels["sectors"][sector][i])
            out += (f"  - title: {q(title)}\n    publisher: {q(publisher)}\n    url: {url}\n"
                    f"    date: {q(date)}\n    lang: {lang}\n")
        return out

    def narrative(self, slug: str, p: dict, i: int) -> str:
        lang = LANGS[i]
        a, b = (self.names(s)[i] for s in p["parties"])
        fill = dict(a=a, b=b, y=p["timeline"][0][0][:4], n=p["n"])
        sep = "" if lang == "ja" else " "
        para = lambda sentences: sep.join(s[i].format(**fill) for s in sentences)  # noqa: E731
        colon = "：" if lang == "ja" else ": "
        bullets = []
        for sector in (p["sectors"] or ["culture", "tourism", "education"])[:4]:
            topic = BULLETS[TOPIC_OF.get(sector, "governance")]
            item = topic[sum(map(ord, slug + sector)) % len(topic)][i]
            bullets.append(f"- **{self.labels['sectors'][sector][i]}**{colon}{item}")
        related = self.partnerships[p["related"]]["parties"]
        other = "–".join(self.names(s)[i] for s in related)
        _lang, publisher, url, _date = p["sources"][0]
        see_also = SEE_ALSO[i].format(status=self.labels["statuses"][p["status"]][i], st=p["status"],
                                      other=other, os=p["related"], pub=publisher, url=url)
        return (f"## {HEADINGS[0][i]}\n\n{para(p['background'][:3])}\n\n{para(p['background'][3:])}\n\n"
                f"## {HEADINGS[1][i]}\n\n{para(p['activities'])}\n\n" + "\n".join(bullets) + "\n\n"
                f"## {HEADINGS[2][i]}\n\n{para(p['outlook'])}\n\n{see_also}\n")

    def explainer(self, number: int, entry, i: int) -> str:
        slug, titles, summaries, opening = entry
        lang = LANGS[i]
        rng = random.Random(f"{slug}:{self.n}")  # independent of the main stream: same text per language
        picks = rng.sample(list(self.partnerships), min(4, len(self.partnerships)))
        body = [opening[i]]
        for k, key in enumerate(picks):
            p = self.partnerships[key]
            a, b = (self.names(s)[i] for s in p["parties"])
            sentence = (BACKGROUND + ACTIVITIES)[(number * 7 + k * 3) % 20][i].format(a=a, b=b, y=p["timeline"][0][0][:4], n=p["n"])
            link = f"[{a}–{b}](partnership:{key})"
            body.append(f"{sentence}（{link}）" if lang == "ja" else f"{sentence} ({link})")
        first = self.partnerships[picks[0]]
        links = [f"[{self.names(first['parties'][0])[i]}](place:{first['parties'][0]})",
                 f"[{self.labels['statuses']['active'][i]}](status:active)",
                 f"[{self.labels['sectors']['tourism'][i]}](sector:tourism)",
                 f"[{self.labels['types']['sister-city'][i]}](type:sister-city)",
                 "[" + ("Jepang", "Japan", "日本")[i] + "](country:JP)"]
        other = EXPLAINERS[(number + 1) % len(EXPLAINERS)]
        links.append(f"[{other[1][i]}](explainer:{other[0]})")
        heading = ("Contoh", "Examples", "事例")[i]
        more = ("Lihat juga", "See also", "関連ページ")[i]
        front = f"---\ntitle: {q(titles[i])}\nsummary: {q(summaries[i])}\norder: {number + 1}\n---\n"
        return (front + f"{body[0]}\n\n## {heading}\n\n" + "\n\n".join(body[1:]) + f"\n\n## {more}\n\n"
                + "\n".join(f"- {link}" for link in links) + "\n")

    def files(self) -> dict[str, str]:
        """Every file of the corpus: relative path -> text, in a fixed order."""
        self.make_places()
        self.make_partnerships()
        out = {"site.yaml": self.site_yaml, "vocabulary.yaml": self.vocabulary_yaml}
        for slug, p in sorted(self.places.items()):
            out[f"places/{slug}.yaml"] = self.place_yaml(slug, p)
        for slug, p in sorted(self.partnerships.items()):
            out[f"partnerships/{slug}.yaml"] = self.partnership_yaml(slug, p)
            for i, lang in enumerate(LANGS):
                out[f"partnerships/{slug}.{lang}.md"] = self.narrative(slug, p, i)
        for number, entry in enumerate(EXPLAINERS):
            for i, lang in enumerate(LANGS):
                out[f"explainers/{entry[0]}.{lang}.md"] = self.explainer(number, entry, i)
        return out


def generate(records: int, out: Path, seed: int = 1, project_content: Path = PROJECT_CONTENT, force: bool = False) -> int:
    """Write the corpus into `out` (which must be new, empty, or an earlier corpus with --force)."""
    if records < 1:
        raise SystemExit("--records must be at least 1")
    if out.exists() and any(out.iterdir()):
        if not (force and (out / MARKER).is_file()):
            raise SystemExit(f"{out} is not empty; pass --force to replace an earlier corpus there")
        shutil.rmtree(out)
    site = (project_content / "site.yaml").read_text(encoding="utf-8")
    vocabulary = (project_content / "vocabulary.yaml").read_text(encoding="utf-8")
    files = Corpus(records, seed, site, vocabulary).files()
    for name in ("places", "partnerships", "explainers"):
        (out / name).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_bytes(text.encode("utf-8"))
    (out / MARKER).write_text(f"records {records}\nseed {seed}\n", encoding="utf-8")
    return len(files)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, required=True, help="number of partnerships")
    p.add_argument("--out", type=Path, required=True, help="content folder to write")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--project-content", type=Path, default=PROJECT_CONTENT,
                   help="where site.yaml and vocabulary.yaml are copied from (default: the project's content/)")
    p.add_argument("--force", action="store_true", help="replace an earlier corpus in --out")
    args = p.parse_args(argv)
    count = generate(args.records, args.out, args.seed, args.project_content, args.force)
    print(f"wrote {count} files ({args.records} partnerships) into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
