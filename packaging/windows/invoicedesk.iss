; Inno Setup script: packs the one-folder app dist\InvoiceDesk (built by
; `pyinstaller invoicedesk.spec`) into InvoiceDesk-<version>-setup.exe.
;
;   iscc /DAppVersion=0.1.0 /DSourceDir=C:\...\dist\InvoiceDesk /DOutputDir=C:\...\release ^
;        packaging\windows\invoicedesk.iss
;
; scripts\build_release.py runs exactly this. Without the defines the script takes the
; paths of the checkout (see below), so it also compiles from the Inno Setup IDE.
; Needs Inno Setup 6.3 or newer (the x64compatible architecture name, UTF-8 without BOM).
; The file is UTF-8 (the German texts below).

#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (ArchitecturesAllowed=x64compatible)
#endif

; The version comes from invoicedesk/__init__.py via build_release.py; the default only
; serves compiling by hand.
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
; Windows version resources take up to four numbers only. For a version with letters
; (0.2.0rc1) pass its numbers as well: /DVersionNumbers=0.2.0
#ifndef VersionNumbers
  #define VersionNumbers AppVersion
#endif
; SourcePath is the folder of this script: packaging\windows.
#ifndef SourceDir
  #define SourceDir AddBackslash(SourcePath) + "..\..\dist\InvoiceDesk"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\..\release"
#endif
#define IconFile AddBackslash(SourcePath) + "..\..\resources\icons\invoicedesk.ico"
#define AppExe "InvoiceDesk.exe"
; invoicedesk/config.py APP_ID: the app sets the same id for its process, so the pinned
; shortcut and the running window share one taskbar button.
#define AppUserModelID "org.invoicedesk.InvoiceDesk"

[Setup]
; Fixed for good: Windows finds an installed InvoiceDesk by this id, so a new setup
; updates it in place instead of installing a second copy. Never change it.
AppId={{B48D81F4-4F9B-405A-A4E6-816D63CB9114}
AppName=InvoiceDesk
AppVersion={#AppVersion}
AppPublisher=InvoiceDesk
AppCopyright=© InvoiceDesk
VersionInfoVersion={#VersionNumbers}
VersionInfoTextVersion={#AppVersion}
VersionInfoProductName=InvoiceDesk
VersionInfoProductTextVersion={#AppVersion}
VersionInfoCompany=InvoiceDesk
VersionInfoDescription=InvoiceDesk Setup

; Per-user install by default: no administrator needed, {autopf} is then
; %LOCALAPPDATA%\Programs. The first page offers "install for all users" (Program Files,
; asks for elevation); /ALLUSERS and /CURRENTUSER choose on the command line.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\InvoiceDesk
; One shortcut straight in the Start menu, no program group to choose.
DisableProgramGroupPage=yes
; The HKCU entry below is only used in per-user mode (its Check), so the compiler's
; warning about user areas in an all-users install does not apply.
UsedUserAreasWarning=no

; The frozen app is x64 only. x64compatible (Inno Setup 6.3+) also admits Arm64
; Windows 11, which runs x64 programs in emulation; 64-bit mode installs into the native
; Program Files and uses the 64-bit registry view.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 (PySide6) supports Windows 10 and 11 only.
MinVersion=10.0

OutputDir={#OutputDir}
OutputBaseFilename=InvoiceDesk-{#AppVersion}-setup
SetupIconFile={#IconFile}
; The program carries the same icon (the spec embeds invoicedesk.ico), and unlike the
; .ico in the checkout it exists on the user's machine.
UninstallDisplayIcon={app}\{#AppExe}
WizardStyle=modern
ShowLanguageDialog=auto

; One solid LZMA2 stream over the whole folder: many similar files (Qt, Python modules)
; compress far better together. ultra64 needs about 64 MB of memory to unpack.
Compression=lzma2/ultra64
SolidCompression=yes

; Code signing, optional (build_release.py does not sign). Define a sign tool on the
; command line and name it:
;   iscc "/Sinvoicedesk=signtool sign /fd SHA256 /td SHA256 /tr <timestamp URL> /a $f" ^
;        /DSignTool=invoicedesk /DAppVersion=... /DSourceDir=... /DOutputDir=... ^
;        packaging\windows\invoicedesk.iss
; The compiler then signs the two programs, Setup and the uninstaller (which signing the
; finished setup.exe afterwards cannot reach).
#ifdef SignTool
SignTool={#SignTool}
#endif

; The PATH task writes the environment: tell Explorer to reload it (the uninstaller
; does the same), so a new terminal finds invoicedesk-cli without logging off.
ChangesEnvironment=yes
; A running InvoiceDesk holds its files open: Setup offers to close it (the default,
; stated here because updates depend on it).
CloseApplications=yes

[Languages]
; Setup takes the Windows display language when it is one of these and asks only
; otherwise (ShowLanguageDialog=auto above).
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"

[CustomMessages]
english.AddToPath=Add InvoiceDesk to the &PATH (use invoicedesk-cli in a terminal)
german.AddToPath=InvoiceDesk zum &PATH hinzufügen (invoicedesk-cli im Terminal nutzen)
english.CommandLine=Command line:
german.CommandLine=Kommandozeile:

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "{cm:AddToPath}"; GroupDescription: "{cm:CommandLine}"; Flags: unchecked

[InstallDelete]
; An update replaces the libraries as a whole: files a newer build no longer has must not
; stay behind in _internal and be picked up by the new programs. Only the program folder;
; the user's data lives elsewhere (see the note after [Run]).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The whole one-folder app: InvoiceDesk.exe, invoicedesk-cli.exe and _internal\. The two
; programs are listed apart so that, with a SignTool (above), the compiler signs them too
; (signonce: unless already signed); without one the flag does nothing.
Source: "{#SourceDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion signonce
Source: "{#SourceDir}\invoicedesk-cli.exe"; DestDir: "{app}"; Flags: ignoreversion signonce
Source: "{#SourceDir}\*"; Excludes: "\{#AppExe},\invoicedesk-cli.exe"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\InvoiceDesk"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelID}"
Name: "{autodesktop}\InvoiceDesk"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelID}"; Tasks: desktopicon

[Registry]
; Add {app} (where invoicedesk-cli.exe is) to PATH, once: NeedsAddPath skips it when it is
; there already (a reinstall or update). preservestringtype keeps the value's type.
; Nothing here is deleted at uninstall (uninsdeletevalue would delete the whole PATH):
; CurUninstallStepChanged below takes just our folder out again.
; Per-user install: the user's own PATH.
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Flags: preservestringtype; Tasks: addtopath; Check: (not IsAdminInstallMode) and NeedsAddPath(ExpandConstant('{app}'))
; All-users install: the machine's PATH, for every user (HKCU would be the hive of the
; administrator who elevated Setup, possibly another account).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Flags: preservestringtype; Tasks: addtopath; Check: IsAdminInstallMode and NeedsAddPath(ExpandConstant('{app}'))

[Run]
; postinstall runs it as the user who started Setup, not as the elevated administrator.
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,InvoiceDesk}"; Flags: nowait postinstall skipifsilent

; The user's data is never deleted, which is why there is no [UninstallDelete] section:
; the uninstaller removes only what Setup installed (the program folder, the shortcuts,
; the PATH entry), not the database in %LOCALAPPDATA%\InvoiceDesk, the logs in
; %LOCALAPPDATA%\InvoiceDesk\Logs, the settings in HKCU\Software\InvoiceDesk or the mail
; password in the Credential Manager. A reinstall or update finds the books intact.

[Code]
const
  UserEnvKey = 'Environment';
  SystemEnvKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';

{ Takes the next entry off a semicolon-separated PATH list. }
function NextPathEntry(var Rest: String): String;
var
  P: Integer;
begin
  P := Pos(';', Rest);
  if P = 0 then
  begin
    Result := Rest;
    Rest := '';
  end
  else
  begin
    Result := Copy(Rest, 1, P - 1);
    Delete(Rest, 1, P);
  end;
  Result := Trim(Result);
end;

{ Windows compares paths without regard to case or a trailing backslash. }
function SamePath(const A, B: String): Boolean;
begin
  Result := CompareText(RemoveBackslashUnlessRoot(A), RemoveBackslashUnlessRoot(B)) = 0;
end;

function PathListHas(const PathList, Dir: String): Boolean;
var
  Rest: String;
begin
  Result := False;
  Rest := PathList;
  while (Rest <> '') and not Result do
    Result := SamePath(NextPathEntry(Rest), Dir);
end;

function PathListWithout(const PathList, Dir: String): String;
var
  Rest, Entry: String;
begin
  Result := '';
  Rest := PathList;
  while Rest <> '' do
  begin
    Entry := NextPathEntry(Rest);
    if (Entry <> '') and not SamePath(Entry, Dir) then
    begin
      if Result <> '' then
        Result := Result + ';';
      Result := Result + Entry;
    end;
  end;
end;

{ Check of the [Registry] PATH entries: True when Dir is not yet on the PATH that this
  install mode writes (the user's, or the machine's for all users). }
function NeedsAddPath(Dir: String): Boolean;
var
  Paths: String;
begin
  if IsAdminInstallMode then
    Result := not RegQueryStringValue(HKEY_LOCAL_MACHINE, SystemEnvKey, 'Path', Paths)
  else
    Result := not RegQueryStringValue(HKEY_CURRENT_USER, UserEnvKey, 'Path', Paths);
  if not Result then
    Result := not PathListHas(Paths, Dir);
end;

procedure RemoveFromPath(RootKey: Integer; const SubKey, Dir: String);
var
  Paths: String;
begin
  { Rewrites the value only when our folder is in it; a machine PATH an unelevated
    uninstaller cannot write is left alone (the write just fails). }
  if RegQueryStringValue(RootKey, SubKey, 'Path', Paths) and PathListHas(Paths, Dir) then
    RegWriteExpandStringValue(RootKey, SubKey, 'Path', PathListWithout(Paths, Dir));
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Dir: String;
begin
  { usUninstall comes before the uninstall log runs, which ends by telling Explorer to
    reload the environment (ChangesEnvironment). Both PATHs are cleaned: the uninstaller
    of a per-user install may run elevated, and only our exact folder is removed. }
  if CurUninstallStep = usUninstall then
  begin
    Dir := ExpandConstant('{app}');
    RemoveFromPath(HKEY_CURRENT_USER, UserEnvKey, Dir);
    RemoveFromPath(HKEY_LOCAL_MACHINE, SystemEnvKey, Dir);
  end;
end;
