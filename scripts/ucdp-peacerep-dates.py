# Convert the PeaceRep raw export (cp1252; Excel-mangled dates) of UCDP GED rows to the standard layout.
import csv, re, sys, datetime
def day(s):
    s=s.strip()
    m=re.fullmatch(r'(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)', s)
    if m: return datetime.date(int(m[3]),int(m[1]),int(m[2])).isoformat()  # M/D/YYYY h:mm:ss AM (US text, day > 12)
    m=re.fullmatch(r'(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})', s)
    if m: return datetime.date(int(m[3]),int(m[1]),int(m[2])).isoformat()  # a US date re-read by Excel as D/M and written DD/MM: month first
    m=re.fullmatch(r'(\d{2})/(\d{2})/(\d{4})', s)
    if m: return datetime.date(int(m[3]),int(m[2]),int(m[1])).isoformat()
    if re.fullmatch(r'\d{4}-\d{2}-\d{2}', s): return s
    raise ValueError(s)
rows=list(csv.DictReader(open('/tmp/realdata-ucdp-raw.csv',encoding='cp1252')))
hdr=list(rows[0].keys())
out=[]
for r in rows:
    r['date_start']=day(r['date_start']); r['date_end']=day(r['date_end'])
    r['source_date']=';'.join(day(x) if x.strip() else x for x in r['source_date'].split(';'))
    if r['date_end']<r['date_start']: print('bad',r['id'],r['date_start'],r['date_end'])
    if r['date_start']>='2022-02-24': out.append(r)
w=csv.DictWriter(open('post2022.csv','w',newline=''),fieldnames=hdr,lineterminator='\n'); w.writeheader(); w.writerows(out)
print(len(out), min(r['date_start'] for r in out), max(r['date_start'] for r in out))
